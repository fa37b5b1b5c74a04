// toc.js: the "Contents" list beside each page marks the section being read, also while scrolling up.
// The theme marks a link only when its heading enters the top 30% of the window, so on a page with long
// sections (3.3's cases, the critical-reading checklist) scrolling back up left the mark on the section
// below. Here the mark goes to the last heading above that line, on every scroll; the theme's classes
// (active, aria-current) are kept, so its styles apply.
(() => {
  const links = Array.from(document.querySelectorAll(".page-toc a.nav-link[href^='#']"));
  if (!links.length) return;
  const heads = links.map((a) => {
    const target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    return target ? target.querySelector("h1, h2, h3, h4, h5, h6") || target : null;
  });
  const items = Array.from(document.querySelectorAll(".page-toc li"));
  let current = null;
  let queued = false;

  function mark() {
    queued = false;
    const line = window.innerHeight * 0.3;
    let pick = null;
    heads.forEach((h, i) => { if (h && h.getBoundingClientRect().top <= line) pick = links[i]; });
    if (pick === current) return;
    current = pick;
    for (const a of links) {
      a.classList.toggle("active", a === pick);
      if (a === pick) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    }
    for (const li of items) li.classList.toggle("active", Boolean(pick) && li.contains(pick));
  }

  const onScroll = () => { if (!queued) { queued = true; requestAnimationFrame(mark); } };
  window.addEventListener("scroll", onScroll, { passive: true });
  window.addEventListener("resize", onScroll);
})();
