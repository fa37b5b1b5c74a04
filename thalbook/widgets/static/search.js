// search.js: result snippets on search.html show the sentence around the hit (loaded there only, after
// Sphinx's searchtools.js). Sphinx cuts 240 characters of the page's whole text around the hit, so a
// snippet began mid-word and ran navigation, headings and table cells together ("...4 Safety: o").
// Sphinx's search page adds searchtools.js after the page's own scripts: patch once every deferred script
// has run (DOMContentLoaded), which is before any result is shown.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined") return;
  const BLOCKS = "p, li, dd, dt, td, th, h1, h2, h3, h4, h5, h6, caption, figcaption, summary, blockquote";
  const NOISE = ".headerlink, script, style, nav, .bd-toc, .toctree-wrapper, .tb-last-reviewed, .tb-figure-placeholder, .thalbook-figure-data, .thalbook-state";
  const MAX = 320;

  // the page's readable units: the text of each block that holds no other block, in reading order
  function units(htmlText, anchor) {
    const doc = new DOMParser().parseFromString(htmlText, "text/html");
    doc.querySelectorAll(NOISE).forEach((el) => el.remove());
    const main = (anchor && doc.querySelector(`[role="main"] ${anchor}`)) || doc.querySelector('[role="main"]');
    if (!main) return [];
    return Array.from(main.querySelectorAll(BLOCKS))
      .filter((el) => !el.querySelector(BLOCKS))
      .map((el) => el.textContent.replace(/\s+/g, " ").trim())
      .filter(Boolean)
      // last, the whole text: a hit outside those blocks (a widget's card, a table of divs) is still found
      .concat([main.textContent.replace(/\s+/g, " ").trim()]);
  }

  function sentenceAround(unit, at) {
    // sentence ends: . ! ? followed by a space and a capital, digit or quote
    const ends = [...unit.matchAll(/[.!?](?=\s+["“(A-Z0-9])/g)].map((m) => m.index + 1);
    const start = Math.max(0, ...ends.filter((i) => i <= at));
    const endAt = ends.find((i) => i > at);
    let s = unit.slice(start, endAt === undefined ? unit.length : endAt).trim();
    let pre = start > 0 ? "… " : "", post = "";
    if (s.length > MAX) {  // a very long sentence: a window around the hit, cut at spaces
      const hit = at - start;
      let a = Math.max(0, hit - MAX / 2);
      a = a > 0 ? s.indexOf(" ", a) + 1 : 0;
      let b = s.lastIndexOf(" ", a + MAX);
      if (b <= a) b = a + MAX;
      pre = a > 0 ? "… " : pre;
      post = b < s.length ? " …" : "";
      s = s.slice(a, b);
    }
    return pre + s + post;
  }

  Search.makeSearchSummary = (htmlText, keywords, anchor) => {
    // Sphinx passes stemmed terms ("neuropathi"): look for the words as typed too, and for each stem
    // without its last letters, so "neuropathy" and "neuropathies" both count
    const typed = (new URLSearchParams(location.search).get("q") || "").toLowerCase().split(/\s+/);
    const terms = [...new Set([...keywords, ...typed].map((k) => String(k).toLowerCase()).filter((k) => k.length > 1)
      .flatMap((k) => [k, k.slice(0, Math.max(4, k.length - 2))]))];
    const all = units(htmlText, anchor);
    if (!all.length) return null;
    let text = all.find((u) => u.length > 40) || all[0];
    // a hit in running text first (a table cell or a tag holding only the word says little)
    const hits = all.map((unit) => {
      const lower = unit.toLowerCase();
      return Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i > -1));
    });
    const pick = [hits.findIndex((at, i) => Number.isFinite(at) && all[i].length >= 40), hits.findIndex(Number.isFinite)]
      .find((i) => i > -1);
    if (pick !== undefined) text = sentenceAround(all[pick], hits[pick]);
    const summary = document.createElement("p");
    summary.classList.add("context");
    summary.textContent = text;
    return summary;
  };
});
