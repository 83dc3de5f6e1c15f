/* Links that follow the URL's query string in the browser, with no Dash component per link and no server
   callback per filter change: the Export menus' (dashboard/components/export_menu.py, a.export-link) and the
   navigation bar's (dashboard/components/navbar.py, a[data-nav]).

   A link's href is its path, the filters of location.search (FILTER_KEYS, in Filters' order), then its own
   parameters (data-params: a school's own page "school=3", the files' language "labels=zh"); a navigation
   link adds the interface language (ui=zh), shows its label in it (data-en / data-zh) and is marked
   active (aria-current="page") on its own page and on its detail pages (aria-current="true"). Every link is written again when the filter bar
   (history.pushState), a move inside the app, back or forward change the URL without a new page, when an
   Export menu opens and when a link is pointed at, focused, pressed or right-clicked, so a link is never
   shown, followed, opened or copied with other filters than the charts' (even where the filter bar
   rewrote the query before a page's layout arrived: the pages router does not hear of it). The navigation
   bar comes with the shell, made without the URL's query: its links are written as soon as they are in
   the page.

   A click on a navigation link moves inside the app as dcc.Link does (the URL pushed, Dash's router told,
   no page load); a click on an export link is export.js's. */
(function () {
  "use strict";
  // Filters.KEYS' query-string keys, in their order (tests/test_export_routes.py checks them against it)
  var FILTER_KEYS = ["from", "to", "school", "country", "pkind", "kind", "lang"];
  var LINKS = "a.export-link, a[data-nav]";
  function enc(v) { return encodeURIComponent(v).replace(/%2C/g, ",").replace(/%20/g, "+"); }
  // labels.ui_from_search: the last non-empty ui parameter, Chinese when it starts with "zh"
  function uiZh(now) {
    var v = now.getAll("ui").filter(Boolean);
    return v.length > 0 && v[v.length - 1].toLowerCase().indexOf("zh") === 0;
  }
  // what export_menu.export_href and navbar.nav_href make on the server: the filters, then the link's own
  // parameters (one of the same key in the filter's place), a navigation link's ui=zh last
  function hrefFor(a, now) {
    var path = (a.getAttribute("href") || "").split("?")[0];
    var own = new URLSearchParams(a.getAttribute("data-params") || "");
    var pairs = [];
    FILTER_KEYS.forEach(function (k) {
      var v = own.has(k) ? own.get(k) : now.getAll(k).filter(Boolean).join(",");
      if (v) { pairs.push(k + "=" + enc(v)); }
    });
    own.forEach(function (v, k) { if (FILTER_KEYS.indexOf(k) < 0) { pairs.push(k + "=" + enc(v)); } });
    if (a.hasAttribute("data-nav") && uiZh(now)) { pairs.push("ui=zh"); }
    return path + (pairs.length ? "?" + pairs.join("&") : "");
  }
  function fill(a, now) {
    now = now || new URLSearchParams(location.search);
    var h = hrefFor(a, now);
    if (a.getAttribute("href") !== h) { a.setAttribute("href", h); }
    if (!a.hasAttribute("data-nav")) { return; }
    a.__intlFilled = true;
    var label = a.getAttribute(uiZh(now) ? "data-zh" : "data-en");
    if (label && a.textContent !== label) { a.textContent = label; }
    // the current page's link is active and aria-current="page"; a section's link stays active on its detail
    // pages (Schools on /schools/<id>), where it is the way back, with aria-current="true" (not the page itself)
    var path = h.split("?")[0];
    var here = path === location.pathname;
    var within = !here && path !== "/" && location.pathname.indexOf(path + "/") === 0;
    if (a.classList.contains("active") !== (here || within)) { a.classList.toggle("active", here || within); }
    if (here || within) { a.setAttribute("aria-current", here ? "page" : "true"); } else { a.removeAttribute("aria-current"); }
  }
  function fillAll() {
    var now = new URLSearchParams(location.search);
    var links = document.querySelectorAll(LINKS);
    for (var i = 0; i < links.length; i++) { fill(links[i], now); }
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
  // the navigation bar's arrival, and its links drawn again by React (new elements, without the mark)
  new MutationObserver(function () {
    var menu = document.getElementById("nav-links");
    var a = menu && menu.querySelector("a[data-nav]");
    if (a && !a.__intlFilled) { fillAll(); }
  }).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("click", function (ev) {   // a menu opening (capture: before it shows)
    if (ev.target.closest && ev.target.closest(".export-toggle")) { fillAll(); }
  }, true);
  ["focusin", "mouseover", "pointerdown", "contextmenu"].forEach(function (type) {
    document.addEventListener(type, function (ev) {
      var a = ev.target.closest ? ev.target.closest(LINKS) : null;
      if (a) { fill(a); }
    }, true);
  });
  document.addEventListener("click", function (ev) {   // a navigation link: a move inside the app
    var a = ev.target.closest ? ev.target.closest("a[data-nav]") : null;
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
