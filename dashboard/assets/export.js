/* Export links (the Export menus, dashboard/components/export_menu.py).

   Their hrefs follow the URL's query string, the filters the charts have, in links.js (with the
   navigation bar's): a page arrives with links made for its query, links.js writes them again whenever
   the query changes without a new page and whenever a link is shown, pointed at or followed.

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
  function filename(resp, href) {
    var cd = resp.headers.get("Content-Disposition") || "";
    var m = cd.match(/filename="?([^";]+)"?/);
    return m ? m[1] : href.split("?")[0].split("/").pop();
  }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a.export-link") : null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) { return; }
    ev.preventDefault();
    if (window.intlLinks) { window.intlLinks.fill(a); }   // links.js: the filters on screen
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
