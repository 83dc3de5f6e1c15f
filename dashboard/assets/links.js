/* The shell and the links that follow the URL's query string in the browser, with no Dash component per link
   and no server callback per filter change or move: the Export menus' links (dashboard/components/export_menu.py,
   a.export-link), the navigation bar's (dashboard/components/navbar.py, a[data-nav]), the brand's link home
   (a[data-home]), the EN | 中文 switch (a[data-ui]), the shell's texts in both languages (data-en / data-zh:
   the brand's title and its tooltip, the footer), <html lang> and the tab title.

   A link's href is its path, the filters of location.search (FILTER_KEYS, in Filters' order), then its own
   parameters (data-params: a school's own page "school=3", the files' language "labels=zh"); a navigation
   link and the brand add the interface language (ui=zh); a navigation link shows its label in it (data-en /
   data-zh) and is marked active (aria-current="page") on its own page and on its detail pages
   (aria-current="true"); the brand is never marked. A switch link is the current page with the whole query,
   its ui parameter removed or set (labels.with_ui), marked active (aria-current="true") for the URL's language.
   Every link is written again when the filter bar (history.pushState), a move inside the app, back or forward
   change the URL without a new page, when an Export menu opens and when a link is pointed at, focused,
   pressed or right-clicked, so a link is never shown, followed, opened or copied with other filters than the
   charts' (even where the filter bar rewrote the query before a page's layout arrived: the pages router does
   not hear of it). The shell comes made without the URL's query: it is written as soon as it is in the page.

   The tab title: Dash's pages router sets the page's English title when a page renders; it is translated part
   by part (" · " separated, navbar.page_title) with the map of the app's title words the header carries
   (data-titles), each time the <title> changes and each time the URL's language does.

   A click on a navigation link, the brand or a switch link moves inside the app as dcc.Link does (the URL
   pushed, Dash's router told, no page load); a click on an export link is export.js's. */
(function () {
  "use strict";
  // Filters.KEYS' query-string keys, in their order (tests/test_export_routes.py checks them against it)
  var FILTER_KEYS = ["from", "to", "school", "country", "pkind", "kind", "lang"];
  var LINKS = "a.export-link, a[data-nav], a[data-home], a[data-ui]";
  var MOVES = "a[data-nav], a[data-home], a[data-ui]";   // a click on one: a move inside the app
  // urllib.parse.quote_plus(v, safe=","), as urlencode(..., safe=",") writes a key or a value
  function enc(v) {
    return encodeURIComponent(v)
      .replace(/[!'()*]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); })
      .replace(/%2C/g, ",").replace(/%20/g, "+");
  }
  // labels.ui_from_search: the last non-empty ui parameter, Chinese when it starts with "zh"
  function uiZh(now) {
    var v = now.getAll("ui").filter(Boolean);
    return v.length > 0 && v[v.length - 1].toLowerCase().indexOf("zh") === 0;
  }
  // labels.with_ui: the query without its ui parameters (every other one kept, in its order), ui=zh last in Chinese
  function withUi(now, zh) {
    var pairs = [];
    now.forEach(function (v, k) { if (k !== "ui") { pairs.push(enc(k) + "=" + enc(v)); } });
    if (zh) { pairs.push("ui=zh"); }
    return pairs.length ? "?" + pairs.join("&") : "";
  }
  // what export_menu.export_href and navbar.nav_href make on the server: the filters, then the link's own
  // parameters (one of the same key in the filter's place), a navigation link's (and the brand's) ui=zh last;
  // a switch link's: navbar.lang_hrefs
  function hrefFor(a, now) {
    if (a.hasAttribute("data-ui")) { return location.pathname + withUi(now, a.getAttribute("data-ui") === "zh"); }
    var path = (a.getAttribute("href") || "").split("?")[0];
    var own = new URLSearchParams(a.getAttribute("data-params") || "");
    var pairs = [];
    FILTER_KEYS.forEach(function (k) {
      var v = own.has(k) ? own.get(k) : now.getAll(k).filter(Boolean).join(",");
      if (v) { pairs.push(k + "=" + enc(v)); }
    });
    own.forEach(function (v, k) { if (FILTER_KEYS.indexOf(k) < 0) { pairs.push(k + "=" + enc(v)); } });
    if ((a.hasAttribute("data-nav") || a.hasAttribute("data-home")) && uiZh(now)) { pairs.push("ui=zh"); }
    return path + (pairs.length ? "?" + pairs.join("&") : "");
  }
  function mark(a, on, current) {
    if (a.classList.contains("active") !== on) { a.classList.toggle("active", on); }
    if (on) { a.setAttribute("aria-current", current); } else { a.removeAttribute("aria-current"); }
  }
  function fill(a, now) {
    now = now || new URLSearchParams(location.search);
    var h = hrefFor(a, now);
    if (a.getAttribute("href") !== h) { a.setAttribute("href", h); }
    if (a.hasAttribute("data-ui")) {   // the switch: the URL's language marked
      a.__intlFilled = true;
      mark(a, (a.getAttribute("data-ui") === "zh") === uiZh(now), "true");
      return;
    }
    if (a.hasAttribute("data-home")) { a.__intlFilled = true; return; }
    if (!a.hasAttribute("data-nav")) { return; }
    a.__intlFilled = true;
    var label = a.getAttribute(uiZh(now) ? "data-zh" : "data-en");
    if (label && a.textContent !== label) { a.textContent = label; }
    // the current page's link is active and aria-current="page"; a section's link stays active on its detail
    // pages (Schools on /schools/<id>), where it is the way back, with aria-current="true" (not the page itself)
    var path = h.split("?")[0];
    var here = path === location.pathname;
    var within = !here && path !== "/" && location.pathname.indexOf(path + "/") === 0;
    mark(a, here || within, here ? "page" : "true");
  }
  // the shell's texts (not links) in both languages: the brand's title (its tooltip too) and the footer
  function texts(zh) {
    var els = document.querySelectorAll("[data-en][data-zh]:not(a)");
    for (var i = 0; i < els.length; i++) {
      var el = els[i], s = el.getAttribute(zh ? "data-zh" : "data-en");
      el.__intlFilled = true;
      if (el.textContent !== s) { el.textContent = s; }
      if (el.hasAttribute("title") && el.getAttribute("title") !== s) { el.setAttribute("title", s); }
    }
  }
  // the tab title: the last one someone else wrote (Dash's router: English; the server's first paint) in the
  // URL's language, part by part with the header's map of title words (English -> 中文, and back)
  var titleSource = document.title, titleWritten = null, toZh = null, toEn = null;
  function titleWords() {
    if (toZh) { return true; }
    var el = document.querySelector("[data-titles]");
    if (!el) { return false; }
    try { toZh = JSON.parse(el.getAttribute("data-titles")) || {}; } catch (e) { toZh = {}; }
    toEn = {};
    Object.keys(toZh).forEach(function (k) { if (!Object.prototype.hasOwnProperty.call(toEn, toZh[k])) { toEn[toZh[k]] = k; } });
    return true;
  }
  function tabTitle(zh) {
    if (!titleWords()) { return; }   // before the shell: the server's title is in the URL's language
    var words = zh ? toZh : toEn;
    var want = titleSource.split(" · ").map(function (part) {
      return Object.prototype.hasOwnProperty.call(words, part) ? words[part] : part;
    }).join(" · ");
    if (document.title !== want) { titleWritten = want; document.title = want; }
  }
  function page(now) {
    var zh = uiZh(now);
    var lang = zh ? "zh-CN" : "en";
    if (document.documentElement.getAttribute("lang") !== lang) { document.documentElement.setAttribute("lang", lang); }
    texts(zh);
    tabTitle(zh);
  }
  function fillAll() {
    var now = new URLSearchParams(location.search);
    var links = document.querySelectorAll(LINKS);
    for (var i = 0; i < links.length; i++) { fill(links[i], now); }
    page(now);
  }
  // the filter bar's dcc.Location and dcc.Link write the URL with pushState and tell no one: every change
  // of the URL made here passes through these two
  ["pushState", "replaceState"].forEach(function (name) {
    var orig = history[name];
    history[name] = function () {
      var out = orig.apply(this, arguments);
      fillAll();
      return out;
    };
  });
  window.addEventListener("popstate", fillAll);
  // the shell's arrival, and its elements drawn again by React (new elements, without the mark)
  var SHELL = ["ui-lang-en", "ui-lang-zh", "brand-link", "brand-title", "footer-text"];
  function shellNew() {
    var menu = document.getElementById("nav-links");
    var a = menu && menu.querySelector("a[data-nav]");
    if (a && !a.__intlFilled) { return true; }
    for (var i = 0; i < SHELL.length; i++) {
      var el = document.getElementById(SHELL[i]);
      if (el && !el.__intlFilled) { return true; }
    }
    return false;
  }
  new MutationObserver(function () {
    if (shellNew()) { fillAll(); }
  }).observe(document.documentElement, {childList: true, subtree: true});
  // a title written by someone else (Dash's router, in English) is translated; the script's own write is
  // recognised (titleWritten) and leaves the title as it is: no loop
  var titleEl = document.querySelector("title");
  if (titleEl) {
    new MutationObserver(function () {
      if (document.title !== titleWritten) { titleSource = document.title; }
      tabTitle(uiZh(new URLSearchParams(location.search)));
    }).observe(titleEl, {childList: true, characterData: true, subtree: true});
  }
  document.addEventListener("click", function (ev) {   // a menu opening (capture: before it shows)
    if (ev.target.closest && ev.target.closest(".export-toggle")) { fillAll(); }
  }, true);
  ["focusin", "mouseover", "pointerdown", "contextmenu"].forEach(function (type) {
    document.addEventListener(type, function (ev) {
      var a = ev.target.closest ? ev.target.closest(LINKS) : null;
      if (a) { fill(a); }
    }, true);
  });
  document.addEventListener("click", function (ev) {   // a navigation, brand or switch link: a move inside the app
    var a = ev.target.closest ? ev.target.closest(MOVES) : null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) {
      return;
    }
    ev.preventDefault();
    fill(a);
    window.history.pushState({}, "", a.getAttribute("href"));
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
  });
  window.intlLinks = {fill: fill, fillAll: fillAll};
})();
