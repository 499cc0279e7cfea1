// faqsante search widget, for partner pages:
//   <script src="https://faq.example.org/widget.js" data-produit="e_cps" async></script>
// One file, no dependency, no build step. It draws a search box where its tag stands, in a shadow root (the
// page's CSS cannot reach inside, and its own cannot leak out), and reads the portal's JSON API, cross-origin
// for the origins the portal allows (FAQSANTE_WIDGET_ORIGINS), without cookies:
//   GET  /api/ask?q=…&top_k=5&produit=e_cps    results with the sentence that answers (spans); its header
//                                              Faqsante-Search-Token names this search for this client
//   POST /api/entries/{id}/feedback            « utile ? » with that token: {"helpful": true, "search_token": "12.3f9a…"}
// Every data-* attribute of the tag is a filter of /api/ask: data-produit="e_cps,psc" asks for either value,
// data-type-offre="…" is the filter type_offre. Everything is built with DOM calls (textContent): no HTML
// from the API or the page is ever parsed.
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.src) return;
  const BASE = new URL(script.src, document.baseURI).origin;
  const TOP_K = 5;
  const EXCERPT_LENGTH = 280;

  // Colours as on the portal (contrast at least 4.5:1). Sizes in px: the page's root font size must not count.
  // :host with !important: inside a shadow tree, important rules win over the page's, even `* {… !important}`.
  const CSS = `
:host { all: initial !important; display: block !important; }
.fs { color: #1e1e1e; background: #ffffff; font: 400 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; text-align: left; letter-spacing: normal; word-spacing: normal;
  text-transform: none; text-indent: 0; white-space: normal; border: 1px solid #dddde6;
  border-top: 4px solid #000091; border-radius: 4px; padding: 16px; max-width: 720px; box-sizing: border-box; }
.fs *, .fs *::before, .fs *::after { box-sizing: border-box; }
.fs label { display: block; font-weight: 700; font-size: 17px; margin: 0 0 4px; }
.aide { margin: 0 0 8px; color: #4a4a4a; font-size: 15px; }
.champ { display: flex; flex-wrap: wrap; gap: 8px; }
.champ input { flex: 1 1 200px; min-width: 0; font: inherit; color: #1e1e1e; background: #ffffff; margin: 0;
  border: 1px solid #767676; border-bottom: 2px solid #1e1e1e; border-radius: 4px 4px 0 0; padding: 8px 12px; }
button { font: inherit; font-weight: 700; color: #ffffff; background: #000091; border: 2px solid #000091;
  border-radius: 4px; padding: 8px 16px; margin: 0; cursor: pointer; }
button:hover { background: #000060; border-color: #000060; }
button.secondaire { color: #000091; background: #ffffff; padding: 4px 14px; font-weight: 400; }
button.secondaire:hover { background: #f4f4f8; }
a { color: #000091; text-underline-offset: 0.15em; }
a:hover { color: #000060; text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid #0a76f6; outline-offset: 2px; }
[tabindex="-1"]:focus { outline: none; }
.statut { margin: 12px 0 0; color: #4a4a4a; font-size: 15px; min-height: 1px; }
.statut:empty { margin: 0; }
h2 { font-size: 18px; line-height: 1.3; margin: 16px 0 8px; }
h3 { font-size: 17px; line-height: 1.3; margin: 0 0 4px; }
ol { list-style: none; margin: 0; padding: 0; }
.resultat { border-top: 1px solid #dddde6; padding: 12px 0; }
.resultat:first-child { border-top: 0; }
.resultat p, .alerte p, .contact p { margin: 0 0 6px; }
.rubrique { color: #4a4a4a; font-size: 14px; }
mark { background: #fef3a6; color: inherit; padding: 0 1px; }
.avis { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-top: 8px; font-size: 15px; }
.avis p { margin: 0; }
.merci { margin: 8px 0 0; font-size: 15px; }
.alerte { background: #fff4d6; border-left: 4px solid #8a5a00; padding: 12px 16px; margin-top: 12px; }
.alerte h2 { margin-top: 0; }
.erreur { background: #ffe9e9; border-left-color: #ce0500; }
.contact { margin-top: 12px; }
.contact h3 { font-size: 16px; }
.pas-trouve { margin: 12px 0 0; }
.source { margin: 12px 0 0; color: #4a4a4a; font-size: 14px; }
.sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
[hidden] { display: none !important; }
`;

  // French words a question is made of but an answer is not found by (marked nowhere).
  const STOP_WORDS = new Set(("les des une pour par sur dans avec sans est sont comment combien quoi quel quelle " +
    "quels quelles que qui quand faut faire peut peux puis mon mes votre vos notre nos son ses leur leurs cette " +
    "ces aux est-ce").split(" "));
  const WORD = /[\p{L}\p{N}]+(?:[.\-/_][\p{L}\p{N}]+)*/gu; // « l'e-CPS » -> "l", "e-CPS", as search splits them

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  function newWindowLink(href, text, className) {
    return el("a", { href: href, target: "_blank", rel: "noopener", class: className },
      text, el("span", { class: "sr" }, " (nouvelle fenêtre)"));
  }

  // "Activez votre e-CPS" -> "activez votre e-cps": accents and case aside, as search compares words.
  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  // Two words are one when they share all but their last two letters (« activer », « activez »): the portal
  // marks by French stems; this is its close approximation.
  function sameWord(a, b) {
    if (a === b) return true;
    const shorter = Math.min(a.length, b.length);
    if (shorter < 4) return false;
    let common = 0;
    while (common < shorter && a[common] === b[common]) common++;
    return common >= Math.max(4, Math.max(a.length, b.length) - 2);
  }

  // The text with the question's words in <mark>, as DOM nodes.
  function marked(text, query) {
    const wanted = (fold(query).match(WORD) || []).filter((word) => word.length > 2 && !STOP_WORDS.has(word));
    const nodes = [];
    let position = 0;
    for (const match of text.matchAll(WORD)) {
      const word = fold(match[0]);
      if (wanted.some((other) => sameWord(word, other))) {
        nodes.push(text.slice(position, match.index), el("mark", null, match[0]));
        position = match.index + match[0].length;
      }
    }
    nodes.push(text.slice(position));
    return nodes.filter((node) => node !== "");
  }

  // The answer on one line, list markers dropped, cut at a word (the portal's excerpt).
  function excerpt(text, length) {
    const flat = text.split("\n").map((line) => line.replace(/^\s*(?:[-•*]|\d{1,3}[.)])\s+/, "").trim())
      .filter(Boolean).join(" ");
    if (flat.length <= length) return flat;
    const cut = flat.slice(0, length + 1);
    const space = cut.lastIndexOf(" ");
    return (space > 0 ? cut.slice(0, space) : cut.slice(0, length)).replace(/[ ,;:]+$/, "") + "…";
  }

  // The sentence that answers: the first span of the hit, else the start of its answer.
  function answeringText(hit) {
    const span = (hit.spans || [])[0];
    const text = span ? hit.answer.slice(span.start, span.end) : hit.answer;
    return excerpt(text, EXCERPT_LENGTH);
  }

  function entryUrl(hit) {
    const span = (hit.spans || [])[0];
    const passage = span ? "?passage=" + span.start + "-" + span.end : "";
    return BASE + hit.url + passage; // its permalink: "/reponses/627b0cbf71bb/combien-de-temps-dure-une-session"
  }

  function questionUrl(query) {
    return BASE + "/question?q=" + encodeURIComponent(query);
  }

  // data-produit="e_cps,psc" data-type-offre="x" -> [["produit", "e_cps"], ["produit", "psc"], ["type_offre", "x"]]
  function filters() {
    const pairs = [];
    for (const name of script.getAttributeNames()) {
      if (!name.startsWith("data-")) continue;
      const facet = name.slice(5).replace(/-/g, "_");
      for (const value of script.getAttribute(name).split(",")) {
        if (value.trim()) pairs.push([facet, value.trim()]);
      }
    }
    return pairs;
  }

  // The API's French message, or ours when the answer is no API error (a proxy's page, a network failure).
  async function readJson(response) {
    const payload = await response.json().catch(() => null);
    if (response.ok && payload) return payload;
    const message = payload && payload.error && payload.error.message;
    throw new Error(message || "Le service de FAQ a répondu par une erreur (" + response.status + "). Réessayez plus tard.");
  }

  // Ids are the shadow root's own: several widgets on one page, or the page's ids, never collide with them.
  function build(root) {
    const id = (name) => "fs-" + name;
    const input = el("input", { id: id("q"), type: "search", name: "q", maxlength: "500", autocomplete: "off",
      required: true, "aria-describedby": id("aide") });
    const form = el("form", { role: "search", "aria-label": "Recherche dans la FAQ" },
      el("label", { for: id("q") }, "Votre question"),
      el("p", { class: "aide", id: id("aide") }, "En quelques mots, par exemple : activer ma carte e-CPS."),
      el("div", { class: "champ" }, input, el("button", { type: "submit" }, "Rechercher")));
    const status = el("p", { class: "statut", role: "status" });
    const results = el("div", { class: "resultats" });
    const source = el("p", { class: "source" }, "Réponses fournies par ",
      newWindowLink(BASE + "/", new URL(BASE).host));
    root.append(el("div", { class: "fs", lang: "fr" }, form, status, results, source));

    let pending = null;
    let votes = 0; // numbers the vote questions: each result's group is labelled by its own

    function show(...nodes) {
      results.replaceChildren(...nodes.filter((node) => node !== null));
      results.removeAttribute("aria-busy");
    }

    function failure(message) {
      status.textContent = "";
      show(el("div", { class: "alerte erreur", role: "alert" }, el("p", null, message)));
    }

    function voteBlock(hit, titleId, query, token) {
      const question = id("avis" + ++votes);
      const yes = el("button", { type: "button", class: "secondaire" }, "Oui");
      const no = el("button", { type: "button", class: "secondaire" }, "Non");
      const group = el("div", { class: "avis", role: "group", "aria-labelledby": question + " " + titleId },
        el("p", { id: question }, "Cette réponse vous a-t-elle été utile ?"), yes, no);
      const thanks = el("p", { class: "merci", tabindex: "-1", hidden: true });

      async function vote(helpful) {
        yes.disabled = no.disabled = true;
        try {
          const response = await fetch(BASE + "/api/entries/" + encodeURIComponent(hit.id) + "/feedback", {
            method: "POST",
            credentials: "omit",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: JSON.stringify({ helpful: helpful, search_token: token }),
          });
          await readJson(response);
          group.hidden = true;
          thanks.replaceChildren("Merci pour votre avis.");
          if (!helpful) {
            thanks.append(" Si votre question reste sans réponse, ",
              newWindowLink(questionUrl(query), "transmettez-la sur le portail"), ".");
          }
        } catch (error) {
          yes.disabled = no.disabled = false;
          thanks.textContent = error instanceof TypeError
            ? "Votre avis n'a pas pu être envoyé : le service de FAQ est injoignable. Réessayez plus tard."
            : error.message;
        }
        thanks.hidden = false;
        thanks.focus();
      }

      yes.addEventListener("click", () => vote(true));
      no.addEventListener("click", () => vote(false));
      return [group, thanks];
    }

    function resultItem(hit, query, token, index) {
      const titleId = id("titre" + index);
      const title = hit.title || hit.question || excerpt(hit.answer, 120);
      return el("li", { class: "resultat" },
        el("h3", { id: titleId }, ...marked(title, query)),
        hit.section ? el("p", { class: "rubrique" }, hit.section) : null,
        el("p", { class: "phrase" }, ...marked(answeringText(hit), query)),
        el("p", null, newWindowLink(entryUrl(hit), "Lire la réponse complète sur le portail")),
        ...voteBlock(hit, titleId, query, token));
    }

    function contactBlock(contact) {
      const lines = [];
      if (contact.phone) {
        lines.push(el("p", null, "Téléphone : ", el("a", { href: "tel:" + contact.phone.replace(/\s/g, "") }, contact.phone)));
      }
      if (contact.hours) lines.push(el("p", null, "Horaires : " + contact.hours));
      if (contact.email) lines.push(el("p", null, "E-mail : ", el("a", { href: "mailto:" + contact.email }, contact.email)));
      if (contact.url && /^https?:\/\//i.test(contact.url)) lines.push(el("p", null, newWindowLink(contact.url, "Formulaire de contact")));
      return el("div", { class: "contact" }, el("h3", null, contact.label), ...lines);
    }

    function refusal(answer) {
      const box = el("div", { class: "alerte" },
        el("h2", null, "Pas de réponse sûre"),
        el("p", null, "Nous n'avons pas trouvé dans la FAQ de réponse qui corresponde avec assez de certitude à votre question."),
        el("p", null, newWindowLink(questionUrl(answer.query), "Transmettre ma question sur le portail")));
      const contacts = answer.contacts || [];
      if (!contacts.length) return [box];
      return [box, el("section", { "aria-labelledby": id("support") },
        el("h2", { id: id("support") }, "Contacter le support"), ...contacts.map(contactBlock))];
    }

    function notFound(query) {
      return el("p", { class: "pas-trouve" }, newWindowLink(questionUrl(query), "Je n'ai pas trouvé ma réponse"));
    }

    function render(answer, token) {
      const query = answer.query;
      if (answer.topic) {
        const topic = answer.topic;
        const more = topic.total > topic.results.length
          ? el("p", null, newWindowLink(BASE + topic.url, "Voir les " + topic.total + " réponses sur ce sujet")) : null;
        status.textContent = topic.total + " réponse" + (topic.total > 1 ? "s" : "") + " sur le sujet « " + topic.label + " ».";
        show(el("h2", null, topic.label), topic.definition ? el("p", null, topic.definition) : null,
          el("ol", null, ...topic.results.map((hit, index) => resultItem(hit, query, token, index))), more,
          notFound(query));
        return;
      }
      if (answer.abstained) {
        status.textContent = "Pas de réponse sûre pour « " + query + " ».";
        show(...refusal(answer));
        return;
      }
      const count = answer.results.length;
      status.textContent = count + " réponse" + (count > 1 ? "s" : "") + " pour « " + query + " ».";
      const help = answer.choice
        ? el("p", { class: "aide" }, "Aucune ne se détache nettement : choisissez celle qui répond à votre question.")
        : null;
      show(el("h2", null, "Réponses"), help,
        el("ol", null, ...answer.results.map((hit, index) => resultItem(hit, query, token, index))), notFound(query));
    }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const query = input.value.trim();
      if (!query) return;
      if (pending) pending.controller.abort();
      const current = { query: query, controller: new AbortController() };
      pending = current;
      const params = new URLSearchParams([["q", query], ["top_k", String(TOP_K)], ...filters()]);
      status.textContent = "Recherche en cours…";
      results.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(BASE + "/api/ask?" + params.toString(), {
          credentials: "omit",
          headers: { Accept: "application/json" },
          signal: current.controller.signal,
        });
        const answer = await readJson(response);
        if (pending === current) render(answer, response.headers.get("Faqsante-Search-Token"));
      } catch (error) {
        if (error.name === "AbortError" || pending !== current) return;
        failure(error instanceof TypeError
          ? "La recherche n'a pas abouti : le service de FAQ est injoignable. Vérifiez votre connexion et réessayez."
          : error.message);
      }
    });
  }

  const host = document.createElement("faqsante-recherche");
  script.after(host);
  const root = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in root && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS); // a constructed sheet, not a <style> element: a page's CSP (style-src) does not block it
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(el("style", null, CSS));
  }
  build(root);
})();
