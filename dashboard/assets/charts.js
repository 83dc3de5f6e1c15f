/* A chart is redrawn only when its size changed.
 *
 * dcc.Graph asks plotly.js to fit each chart to its box (Plotly.Plots.resize) after the chart's first
 * drawing and whenever its resize observer reports the box (the observer also reports every box once
 * when it starts watching it); plotly's own `responsive` listener asks the same when the window changes
 * size. plotly.js answers each request with a full redraw, even when the box has the size the chart was
 * just drawn at: each chart was drawn three times per page (bench/browser_cpu.py,
 * tests/browser/plotly_probe.py). Here a request whose box has the chart's size (within plotly's own
 * one-pixel tolerance) is answered at once, as plotly answers one it has nothing to do for; any other
 * (a narrower window, a box that grew) goes to plotly as before.
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

  function patch(plotly) {
    if (!plotly || !plotly.Plots || typeof plotly.Plots.resize !== 'function' || plotly.Plots.resize.intlSameSize) {
      return;
    }
    var resize = plotly.Plots.resize;
    var wrapped = function (gd) {
      var el = typeof gd === 'string' ? document.getElementById(gd) : gd;
      if (el && sameSize(el)) {
        return Promise.resolve(el);
      }
      return resize.apply(this, arguments);
    };
    wrapped.intlSameSize = true;
    plotly.Plots.resize = wrapped;
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
