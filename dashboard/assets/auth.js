/* Sign-in bar: who is signed in, a link to the administration for administrators, and
   "Sign out" (a POST with the CSRF token, as every state-changing request must be).
   It lives outside Dash's React tree (inserted before #react-entry-point) so that
   re-renders never remove it. A callback answered 401 (the session ended) sends the
   browser to the sign-in page instead of leaving a dead dashboard; one answered 413 (an
   upload or a request over the size limit, refused before it was read) says so in a
   banner, since Dash itself shows nothing. */
(function () {
  "use strict";
  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) { e.textContent = text; }  // textContent: a name is never parsed as HTML
    return e;
  }
  // The bar's words in the interface language: <html lang> (set by the navbar's language
  // switch), else the URL's ui=zh. The bar is rebuilt when the switch changes <html lang>.
  var ZH = {"Account": "账户", "Signed in as ": "已登录：", "Administration": "系统管理", "Sign out": "退出登录",
            "sign-in is OFF (development only)": "未启用登录（仅限开发）",
            "admin": "管理员", "editor": "编辑", "viewer": "查看者",
            "The upload is too large: at most {mb} MB at a time.": "上传内容过大：每次合计不超过 {mb} MB。",
            "The request is too large: at most {mb} MB.": "请求过大：不超过 {mb} MB。",
            "Close": "关闭"};
  function zh() {
    var l = document.documentElement.getAttribute("lang") || "";
    return l.indexOf("zh") === 0 || /[?&]ui=zh/.test(location.search);
  }
  function tr(s) { return zh() && ZH[s] ? ZH[s] : s; }
  var current = null;
  function bar(me) {
    current = me;
    var old = document.getElementById("auth-bar");
    if (old) { old.parentNode.removeChild(old); }
    var b = el("div", {id: "auth-bar", "class": "auth-bar", role: "navigation", "aria-label": tr("Account")});
    b.appendChild(el("span", {"class": "auth-user"}, tr("Signed in as ") + me.name + " (" + tr(me.role) + ")"));
    if (me.role === "admin") {
      b.appendChild(el("a", {href: "/admin/etl" + (zh() ? "?ui=zh" : ""), "class": "auth-link", id: "auth-admin-link"},
                       tr("Administration")));
    }
    if (me.auth) {
      var f = el("form", {method: "post", action: "/auth/logout", "class": "auth-logout"});
      var t = el("input", {type: "hidden", name: "csrf_token"});
      t.value = cookie("_csrf_token");
      f.appendChild(t);
      f.appendChild(el("button", {type: "submit", id: "auth-logout"}, tr("Sign out")));
      b.appendChild(f);
    } else {
      b.appendChild(el("span", {"class": "auth-warning"}, tr("sign-in is OFF (development only)")));
    }
    document.body.insertBefore(b, document.body.firstChild);
  }
  function refused(info) {
    var old = document.getElementById("request-refused");
    if (old) { old.parentNode.removeChild(old); }
    var text = tr(info.upload ? "The upload is too large: at most {mb} MB at a time."
                              : "The request is too large: at most {mb} MB.").replace("{mb}", String(info.limit_mb));
    var b = el("div", {id: "request-refused", "class": "request-refused", role: "alert"}, text);
    var x = el("button", {type: "button", "class": "request-refused-close", "aria-label": tr("Close")}, "×");
    x.addEventListener("click", function () { b.parentNode.removeChild(b); });
    b.appendChild(x);
    document.body.insertBefore(b, document.body.firstChild);
  }
  var origFetch = window.fetch;
  if (origFetch) {
    window.fetch = function () {
      return origFetch.apply(this, arguments).then(function (resp) {
        if (resp.status === 401 && String(resp.url).indexOf("/_dash-") !== -1) {
          window.location.assign("/auth/login?next=" + encodeURIComponent(location.pathname + location.search));
        } else if (resp.status === 413 && String(resp.url).indexOf("/_dash-") !== -1) {
          resp.clone().json().then(refused).catch(function () {});
        }
        return resp;
      });
    };
  }
  function start() {
    origFetch("/auth/me", {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (me) { if (me) { bar(me); } })
      .catch(function () {});
  }
  if (window.MutationObserver) {
    new MutationObserver(function () { if (current) { bar(current); } })
      .observe(document.documentElement, {attributes: true, attributeFilter: ["lang"]});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
