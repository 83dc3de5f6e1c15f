/* Export links (the Export menus, dashboard/components/export_menu.py).

   Their hrefs follow the URL's query string, the filters the charts have, here in the browser (no Dash
   component per link, no server callback per filter change): a page arrives with links made for its
   query; when the filter bar (history.pushState), back or forward change the query without a new page,
   every link's href is written again: its path, the filters of location.search (FILTER_KEYS), then its
   own parameters (data-params: a school's own page "school=3", the files' language "labels=zh"). The
   same is done when a menu opens and when a link is pointed at, focused, pressed or right-clicked, so a
   link is never shown, followed, opened or copied with other filters than the charts' (even where the
   filter bar rewrote the query before the page's layout arrived: the pages router does not hear of it).

   A click on one is fetched here, not left to a bare <a download>, so that a failure reaches the
   user. The server answers an export it cannot make (no Chromium, a bad parameter, the database down)
   with a status and one sentence; a bare download link would save that sentence as "chart.png" or fail
   silently in the download bar. Here the sentence is shown on the page, in a dismissable alert, and a
   successful file is saved under the name the server gives. */
(function () {
  "use strict";
  var ZH = {"Preparing the export…": "正在准备导出文件…", "The export failed": "导出失败",
            "The server did not answer": "服务器没有响应", "Close": "关闭"};
  function zh() {
    var l = document.documentElement.getAttribute("lang") || "";
    return l.indexOf("zh") === 0 || /[?&]ui=zh/.test(location.search);
  }
  function tr(s) { return zh() && ZH[s] ? ZH[s] : s; }
  function box() {
    var b = document.getElementById("export-status");
    if (!b) {
      b = document.createElement("div");
      b.id = "export-status";
      b.setAttribute("role", "status");
      b.setAttribute("aria-live", "polite");
      document.body.appendChild(b);
    }
    return b;
  }
  function show(kind, title, detail) {
    var b = box();
    b.innerHTML = "";
    var a = document.createElement("div");
    a.className = "alert alert-" + kind + " export-alert shadow-sm";
    if (kind === "danger") { a.setAttribute("role", "alert"); }
    var h = document.createElement("strong");
    h.textContent = title;          // textContent: the server's words are never parsed as HTML
    a.appendChild(h);
    if (detail) {
      var p = document.createElement("div");
      p.className = "export-reason";
      p.textContent = detail;
      a.appendChild(p);
    }
    var x = document.createElement("button");
    x.type = "button";
    x.className = "btn-close";
    x.setAttribute("aria-label", tr("Close"));
    x.addEventListener("click", function () { b.innerHTML = ""; });
    a.appendChild(x);
    b.appendChild(a);
  }
  // Filters.KEYS' query-string keys, in their order (tests/test_export_routes.py checks them against it)
  var FILTER_KEYS = ["from", "to", "school", "country", "pkind", "kind", "lang"];
  function enc(v) { return encodeURIComponent(v).replace(/%2C/g, ",").replace(/%20/g, "+"); }
  // what export_menu.export_href makes on the server: the filters, then the link's own parameters
  // (one of the same key in the filter's place)
  function hrefFor(a) {
    var path = (a.getAttribute("href") || "").split("?")[0];
    var now = new URLSearchParams(location.search);
    var own = new URLSearchParams(a.getAttribute("data-params") || "");
    var pairs = [];
    FILTER_KEYS.forEach(function (k) {
      var v = own.has(k) ? own.get(k) : now.getAll(k).filter(Boolean).join(",");
      if (v) { pairs.push(k + "=" + enc(v)); }
    });
    own.forEach(function (v, k) { if (FILTER_KEYS.indexOf(k) < 0) { pairs.push(k + "=" + enc(v)); } });
    return path + (pairs.length ? "?" + pairs.join("&") : "");
  }
  function fill(a) {
    var h = hrefFor(a);
    if (a.getAttribute("href") !== h) { a.setAttribute("href", h); }
  }
  function fillAll() {
    var links = document.querySelectorAll("a.export-link");
    for (var i = 0; i < links.length; i++) { fill(links[i]); }
  }
  // the filter bar's dcc.Location writes the query with pushState and tells no one: every change of the
  // URL made here passes through these two
  ["pushState", "replaceState"].forEach(function (name) {
    var orig = history[name];
    history[name] = function () {
      var out = orig.apply(this, arguments);
      fillAll();
      return out;
    };
  });
  window.addEventListener("popstate", fillAll);
  document.addEventListener("click", function (ev) {   // a menu opening (capture: before it shows)
    if (ev.target.closest && ev.target.closest(".export-toggle")) { fillAll(); }
  }, true);
  ["focusin", "mouseover", "pointerdown", "contextmenu"].forEach(function (type) {
    document.addEventListener(type, function (ev) {
      var a = ev.target.closest ? ev.target.closest("a.export-link") : null;
      if (a) { fill(a); }
    }, true);
  });
  function filename(resp, href) {
    var cd = resp.headers.get("Content-Disposition") || "";
    var m = cd.match(/filename="?([^";]+)"?/);
    return m ? m[1] : href.split("?")[0].split("/").pop();
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a.export-link") : null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) { return; }
    ev.preventDefault();
    fill(a);
    var href = a.getAttribute("href");
    show("info", tr("Preparing the export…"), "");
    fetch(href, {credentials: "same-origin"}).then(function (resp) {
      if (!resp.ok) {
        return resp.text().then(function (text) {
          show("danger", tr("The export failed") + " (" + resp.status + ")", text.trim());
        });
      }
      return resp.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = document.createElement("a");
        link.href = url;
        link.download = filename(resp, href);
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        box().innerHTML = "";
      });
    }).catch(function (err) {
      show("danger", tr("The export failed"), tr("The server did not answer") + " (" + err + ")");
    });
  });
})();
