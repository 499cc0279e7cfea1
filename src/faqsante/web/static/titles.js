// faqsante title desk (/admin/sans-question): keys on top of plain forms. Without this file every action
// still works: Enter saves a title, a candidate's button chooses it, « Passer » links to the next entry.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const entries = Array.from(document.querySelectorAll("article.sans-question"));
  if (!entries.length) return;
  let current = Math.max(0, entries.findIndex((entry) => "#" + entry.id === location.hash));

  function show(index) {
    current = Math.min(entries.length - 1, Math.max(0, index));
    const entry = entries[current];
    entry.focus({ preventScroll: true });
    entry.scrollIntoView({ block: "start", behavior: "smooth" });
    history.replaceState(null, "", "#" + entry.id);
  }

  entries.forEach((entry, index) => entry.addEventListener("focusin", () => { current = index; }));

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target instanceof HTMLInputElement && event.target.type === "text";
    if (typing) {
      if (event.key === "Escape") entries[current].focus();
      return;
    }
    const entry = entries[current];
    const field = entry.querySelector("input[name=titre]");
    const picked = /^[1-9]$/.test(event.key) && entry.querySelector(`[data-candidat="${event.key}"]`);
    if (event.key === "j" || event.key === "s") show(current + 1);
    else if (event.key === "k") show(current - 1);
    else if (event.key === "e") { field.focus(); field.select(); }
    else if (event.key === "x") entry.querySelector("input[type=checkbox]")?.click();
    else if (picked) { field.value = picked.value; field.focus(); }
    else return;
    event.preventDefault();
  });

  if (location.hash) show(current);
});
