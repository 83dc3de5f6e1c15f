/* Sign-in bar: who is signed in, a link to the administration for administrators, and
   "Sign out" (a POST with the CSRF token, as every state-changing request must be).
   It lives outside Dash's React tree (inserted before #react-entry-point) so that
   re-renders never remove it. A callback answered 401 (the session ended) sends the
   browser to the sign-in page instead of leaving a dead dashboard. */
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
  function bar(me) {
    if (document.getElementById("auth-bar")) { return; }
    var b = el("div", {id: "auth-bar", "class": "auth-bar", role: "navigation", "aria-label": "Account"});
    b.appendChild(el("span", {"class": "auth-user"}, "Signed in as " + me.name + " (" + me.role + ")"));
    if (me.role === "admin") {
      b.appendChild(el("a", {href: "/admin/etl", "class": "auth-link", id: "auth-admin-link"}, "Administration"));
    }
    if (me.auth) {
      var f = el("form", {method: "post", action: "/auth/logout", "class": "auth-logout"});
      var t = el("input", {type: "hidden", name: "csrf_token"});
      t.value = cookie("_csrf_token");
      f.appendChild(t);
      f.appendChild(el("button", {type: "submit", id: "auth-logout"}, "Sign out"));
      b.appendChild(f);
    } else {
      b.appendChild(el("span", {"class": "auth-warning"}, "sign-in is OFF (development only)"));
    }
    document.body.insertBefore(b, document.body.firstChild);
  }
  var origFetch = window.fetch;
  if (origFetch) {
    window.fetch = function () {
      return origFetch.apply(this, arguments).then(function (resp) {
        if (resp.status === 401 && String(resp.url).indexOf("/_dash-") !== -1) {
          window.location.assign("/auth/login?next=" + encodeURIComponent(location.pathname + location.search));
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
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
