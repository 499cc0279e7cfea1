// faqsante portal: enhancements only. Without this file every page still works (GET search, POST votes).
"use strict";

// Results as you type: fetch the results block of "/?q=…&partiel=1" and swap it in. Keystrokes of one
// question refine one log row (&suite=<id of the row>), so analytics count questions, not prefixes.
// The filters' checkboxes live in the results block but belong to the form (form="recherche"): ticking one
// searches again at once, and the counts they show follow the question.
function enhanceSearch(form) {
  const input = form.querySelector("input[name=q]");
  const results = document.getElementById("resultats");
  const status = document.getElementById("statut-recherche");
  const DELAY_MS = 250;
  let timer = null;
  let pending = null;
  let shown = searched().toString();
  let logId = results.querySelector("[data-query-id]")?.dataset.queryId || null;

  // "q=…&produit=ins": the question and the ticked filters, as the address bar shows them.
  function searched() {
    const params = new URLSearchParams(new FormData(form));
    params.set("q", input.value.trim());
    return params;
  }

  async function search() {
    const q = input.value.trim();
    const wanted = searched();
    if (wanted.toString() === shown) return;
    shown = wanted.toString();
    if (pending) pending.abort();
    if (!q) {
      results.replaceChildren();
      status.textContent = "";
      logId = null;
      history.replaceState(null, "", "/");
      return;
    }
    pending = new AbortController();
    const params = new URLSearchParams(wanted);
    params.set("partiel", "1");
    if (logId) params.set("suite", logId);
    results.setAttribute("aria-busy", "true");
    try {
      const response = await fetch("/?" + params.toString(), {
        signal: pending.signal,
        headers: { Accept: "text/html" }, // errors come back as a French block too, not as JSON
      });
      // The block is server-rendered and escaped there, like the full page.
      results.innerHTML = await response.text();
      const block = results.querySelector("[data-summary]");
      logId = block?.dataset.queryId || logId;
      status.textContent = block?.dataset.summary || "";
      history.replaceState(null, "", "/?" + wanted.toString());
    } catch (error) {
      if (error.name !== "AbortError") {
        status.textContent = "La recherche n'a pas abouti. Appuyez sur Entrée pour réessayer.";
        shown = null;
      }
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DELAY_MS);
  });
  results.addEventListener("change", (event) => {
    if (event.target.form !== form) return;
    clearTimeout(timer);
    search();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    shown = null; // Enter always searches, even the text already shown
    search();
  });
}

// « Cette réponse vous a-t-elle été utile ? » through the API: no reload; after « Non », a comment box.
function enhanceVote(widget) {
  const voteForm = widget.querySelector("[data-avis-vote]");
  const commentForm = widget.querySelector("[data-avis-commentaire]");
  const status = widget.querySelector("[data-avis-statut]");
  const url = "/api/entries/" + encodeURIComponent(widget.dataset.entree) + "/feedback";
  const query = voteForm.elements.q.value || null;

  async function send(body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (response.ok) return null;
    const payload = await response.json().catch(() => null);
    return payload?.error?.message || "Votre avis n'a pas pu être enregistré. Réessayez plus tard.";
  }

  voteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const helpful = event.submitter?.value === "oui";
    const error = await send({ helpful: helpful, comment: null, query: query });
    if (error) {
      status.textContent = error;
      return;
    }
    voteForm.hidden = true;
    if (helpful) {
      status.textContent = "Merci pour votre avis.";
      status.focus();
    } else {
      status.textContent = "Merci pour votre avis. Vous pouvez préciser ce qui vous a manqué.";
      commentForm.hidden = false;
      commentForm.elements.commentaire.focus();
    }
  });

  commentForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const comment = commentForm.elements.commentaire.value.trim();
    const error = await send({ helpful: false, comment: comment || null, query: query });
    if (error) {
      status.textContent = error;
      return;
    }
    commentForm.hidden = true;
    status.textContent = comment ? "Merci, votre commentaire a bien été enregistré." : "Merci pour votre avis.";
    status.focus();
  });
}

document.querySelectorAll("[data-recherche]").forEach(enhanceSearch);
document.querySelectorAll("[data-avis]").forEach(enhanceVote);
