/* A chart is drawn once: not empty before its figure comes, not again by a resize that changed nothing.
 *
 * A dcc.Graph placed in the page draws its default figure (no trace, no layout: empty axes) when it
 * mounts, then draws again when its callback sends the figure; the empty one is hidden by the card's
 * loading state anyway. Here plotly is not asked to draw that placeholder on a chart not drawn yet: the
 * graph's event listeners are kept until the figure comes, then given to plotly's new plot.
 *
 * A chart is redrawn only when its size changed.
 *
 * dcc.Graph asks plotly.js to fit each chart to its box (Plotly.Plots.resize) after the chart's first
 * drawing and whenever its resize observer reports the box (the observer also reports every box once
 * when it starts watching it); plotly's own `responsive` listener asks the same when the window changes
 * size. plotly.js answers each request with a full redraw, even when the box has the size the chart was
 * just drawn at: each chart was drawn three times per page (bench/browser_cpu.py,
 * tests/browser/plotly_probe.py). Here the box is measured once the requests stop coming (100 ms, as
 * plotly waits); when it has the chart's size (within plotly's own one-pixel tolerance) the requests are
 * answered as plotly answers one it has nothing to do for; otherwise (a narrower window, a box that grew)
 * plotly fits the chart as before.
 *
 * plotly.js loads after this file (dash fetches it when the first graph mounts): the function is
 * wrapped when the page sets window.Plotly.
 */
(function () {
  'use strict';

  function sameSize(gd) {
    var full = gd && gd._fullLayout;
    if (!full || !gd.layout || gd.layout.autosize === false) {
      return false;
    }
    var style = window.getComputedStyle(gd);
    if (!style || style.display === 'none') {
      return false;
    }
    var width = parseFloat(style.width);
    var height = parseFloat(style.height);
    return width > 0 && height > 0 && Math.abs(width - full.width) <= 1 && Math.abs(height - full.height) <= 1;
  }

  // dcc.Graph's figure before its callback answered: no trace, no layout
  function placeholder(figure) {
    if (!figure || typeof figure !== 'object' || Array.isArray(figure)) {
      return false;
    }
    var noData = !figure.data || (Array.isArray(figure.data) && figure.data.length === 0);
    var noLayout = !figure.layout || Object.keys(figure.layout).length === 0;
    return noData && noLayout;
  }

  // What dcc.Graph asks of a plot it thinks drawn, on a chart whose drawing waits for its figure.
  function defer(gd) {
    gd.intlWaiting = [];
    gd.on = function (event, handler) {
      gd.intlWaiting.push([event, handler]);
    };
    gd.removeAllListeners = function () {
      gd.intlWaiting = [];
    };
  }

  function undefer(gd) {
    var waiting = gd.intlWaiting || [];
    delete gd.intlWaiting;
    delete gd.on;
    delete gd.removeAllListeners;
    return function () {
      if (typeof gd.on === 'function') {
        waiting.forEach(function (w) { gd.on(w[0], w[1]); });
        waiting = [];
      }
    };
  }

  function patch(plotly) {
    if (!plotly || !plotly.Plots || typeof plotly.Plots.resize !== 'function' || plotly.Plots.resize.intlSameSize) {
      return;
    }
    var resize = plotly.Plots.resize;
    // The box is measured 100 ms after the last request, as plotly waits before it measures: requests
    // in a row (dcc.Graph's after the first drawing, its observer's first report, the window's) are
    // answered by one measure, taken when the page has been laid out anyway, not one forced each.
    var wrapped = function (gd) {
      var self = this;
      var el = typeof gd === 'string' ? document.getElementById(gd) : gd;
      if (!el || el.intlWaiting) {
        return el ? Promise.resolve(el) : resize.apply(self, arguments);   // nothing drawn yet
      }
      if (el.intlResizeTimer) {
        clearTimeout(el.intlResizeTimer);
      }
      return new Promise(function (resolve) {
        var answers = el.intlResizeAnswers || (el.intlResizeAnswers = []);
        answers.push(resolve);
        el.intlResizeTimer = setTimeout(function () {
          el.intlResizeTimer = null;
          el.intlResizeAnswers = [];
          var done = function () { answers.forEach(function (r) { r(el); }); };
          if (!el.isConnected || sameSize(el)) {
            done();   // drawn at this size (or gone)
            return;
          }
          resize.call(self, el).then(done, done);
        }, 100);
      });
    };
    wrapped.intlSameSize = true;
    plotly.Plots.resize = wrapped;

    var react = plotly.react;
    if (typeof react === 'function') {
      plotly.react = function (gd, figure) {
        var el = typeof gd === 'string' ? document.getElementById(gd) : gd;
        if (el && el.classList && el.parentElement && el.parentElement.classList.contains('dash-graph')) {
          if (!el._fullLayout && !el.intlWaiting && arguments.length === 2 && placeholder(figure)) {
            defer(el);
            return Promise.resolve(el);
          }
          if (el.intlWaiting) {
            if (arguments.length === 2 && placeholder(figure)) {
              return Promise.resolve(el);
            }
            var rebind = undefer(el);
            var out = react.apply(this, arguments);
            rebind();   // plotly made the plot's events as it began drawing
            return out && out.then ? out.then(function (v) { rebind(); return v; }) : out;
          }
        }
        return react.apply(this, arguments);
      };
    }
  }

  if (window.Plotly) {
    patch(window.Plotly);
    return;
  }
  var before = Object.getOwnPropertyDescriptor(window, 'Plotly');
  var value;
  Object.defineProperty(window, 'Plotly', {
    configurable: true,
    enumerable: true,
    get: function () {
      return before && before.get ? before.get.call(window) : value;
    },
    set: function (v) {
      if (before && before.set) {
        before.set.call(window, v);
      }
      value = v;
      patch(v);
    }
  });
}());
