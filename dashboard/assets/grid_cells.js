/* Grid cells (dash-ag-grid) that link to a page of this dashboard: the name as text, the link
   made from the row's own id. A name is never parsed as Markdown or HTML, so a partner called
   "Phish University <https://evil.example/login>" (from a report or an article) shows exactly
   that, and no link to another site can appear in a cell. The href must be a path of this
   server ("/partners/12?…"): anything else renders as plain text. */
(function () {
  "use strict";
  var funcs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
  function localPath(href) {
    return typeof href === "string" && href.charAt(0) === "/" && href.charAt(1) !== "/" &&
      href.indexOf("\\") === -1 && !/[\u0000-\u001f]/.test(href);
  }
  funcs.PageLink = function (props) {
    var text = props.value === null || props.value === undefined ? "" : String(props.value);
    var href = props.data ? props.data.href : null;
    if (!localPath(href)) {
      return React.createElement("span", null, text);
    }
    return React.createElement("a", {href: href, className: "grid-link"}, text);  // text: a React text node
  };
})();
