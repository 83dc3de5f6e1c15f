"""How often plotly.js draws each chart: a script run in the tab before the app's own.

``PROBE`` wraps ``window.Plotly`` as soon as the page defines it and counts, per chart (the id of the
dcc.Graph around the plot), what plotly was asked and what it did:

    react / newPlot    calls of Plotly.react / Plotly.newPlot (dcc.Graph draws through react)
    empty              of those, calls with no trace and no layout (a graph mounted before its figure came)
    draws              plots plotly completed (its ``plotly_afterplot`` event; a redraw of plotly's own
                       after a margin change is not an event, ``passes`` counts it)
    passes             plotly's plot passes (``Plotly._doPlot``: a first draw, a redraw after a
                       resize that changed the size, one for auto margins …)
    resize             calls of Plotly.Plots.resize (dcc.Graph's resize detector, plotly's responsive
                       window listener)
    relayout           ``plotly_relayout`` events (a resize that plotly carried out sends one)
    purge              charts thrown away (Plotly.purge)

Install it with ``page.add_init_script(PROBE)`` (or CDP ``Page.addScriptToEvaluateOnNewDocument``)
before the app loads; read with :func:`counts`, start a new tally with :func:`reset`.
"""
from __future__ import annotations

PROBE = r"""(() => {
  if (window.__intlPlotly) { return; }
  const counts = {};
  const log = [];
  const key = (gd) => {
    let e = gd && gd.nodeType ? gd : (typeof gd === 'string' ? document.getElementById(gd) : null);
    while (e && !(e.id && e.classList && e.classList.contains('dash-graph'))) { e = e.parentElement; }
    return e ? e.id : '?';
  };
  const bump = (gd, what) => {
    const k = key(gd);
    const c = counts[k] || (counts[k] = {});
    c[what] = (c[what] || 0) + 1;
    log.push([Math.round(performance.now()), k, what, gd && gd.offsetWidth, gd && gd.offsetHeight]);
  };
  const hook = (gd) => {
    // plotly makes a new event emitter for every new plot (newPlot purges the old one)
    if (gd && gd._ev && !gd._ev.__intlProbe && gd.on) {
      gd._ev.__intlProbe = true;
      gd.on('plotly_afterplot', () => bump(gd, 'draws'));
      gd.on('plotly_relayout', () => bump(gd, 'relayout'));
    }
  };
  const wrap = (obj, name, what, before) => {
    const f = obj && obj[name];
    if (typeof f !== 'function' || f.__intlProbe) { return; }
    const w = function (gd, ...rest) {
      const el = typeof gd === 'string' ? document.getElementById(gd) : gd;
      if (what) { bump(el, what); }
      if (before) { before(el, rest); }
      const out = f.call(this, gd, ...rest);
      hook(el);
      if (out && out.then) { out.then(() => hook(el), () => {}); }
      return out;
    };
    w.__intlProbe = true;
    obj[name] = w;
  };
  // dcc.Graph's figure before one is given: no trace, no layout (an empty state of the app's has a layout)
  const isEmpty = (fig) => !fig || ((!Array.isArray(fig.data) || fig.data.length === 0)
                                    && Object.keys(fig.layout || {}).length === 0);
  const install = (P) => {
    if (!P || P.__intlProbe) { return; }
    P.__intlProbe = true;
    // react(gd, figure) or react(gd, data, layout)
    const figureOf = (rest) => (rest[0] && !Array.isArray(rest[0]) ? rest[0] : {data: rest[0], layout: rest[1]});
    wrap(P, 'react', 'react', (gd, rest) => { if (isEmpty(figureOf(rest))) { bump(gd, 'empty'); } });
    wrap(P, 'newPlot', 'newPlot');
    wrap(P, '_doPlot', 'passes');
    wrap(P, 'purge', 'purge');
    if (P.Plots) { wrap(P.Plots, 'resize', 'resize'); }
  };
  window.__intlPlotly = {counts, log, reset() { Object.keys(counts).forEach((k) => delete counts[k]); log.length = 0; }};
  if (window.Plotly) { install(window.Plotly); return; }
  let value;
  Object.defineProperty(window, 'Plotly', {
    configurable: true, enumerable: true,
    get() { return value; },
    set(v) { value = v; install(v); },
  });
})();"""


def counts(p) -> dict[str, dict[str, int]]:
    """The tally since the page loaded or the last :func:`reset`: ``{graph id: {what: n}}``."""
    return p.evaluate("() => JSON.parse(JSON.stringify(window.__intlPlotly ? window.__intlPlotly.counts : {}))")


def reset(p) -> None:
    p.evaluate("() => window.__intlPlotly && window.__intlPlotly.reset()")
