// The report's whole script: plain DOM and SVG, no libraries, no network. It reads the JSON
// that `backprop report` embedded in the page and draws the curves, the per-layer weight
// histograms and the norms; the slider (and #epoch=K in the address) picks the state shown.
(function () {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  var data = JSON.parse(document.getElementById('report-data').textContent);

  function svgElement(name, attributes, parent) {
    var element = document.createElementNS(SVG, name);
    for (var key in attributes) element.setAttribute(key, attributes[key]);
    if (parent) parent.appendChild(element);
    return element;
  }

  function svgText(parent, x, y, content, attributes) {
    var element = svgElement('text', Object.assign({ x: x, y: y }, attributes || {}), parent);
    element.textContent = content;
    return element;
  }

  function format(value) {
    if (value === 0) return '0';
    var magnitude = Math.abs(value);
    if (magnitude >= 1e4 || magnitude < 1e-3) return value.toExponential(1);
    return String(+value.toPrecision(3));
  }

  function formatLong(value) {
    return value === null || value === undefined ? '–' : String(+value.toPrecision(5));
  }

  // Ticks at 1, 2 or 5 times a power of ten, about `count` of them over [low, high].
  function niceTicks(low, high, count) {
    if (!(high > low)) return [low];
    var raw = (high - low) / count;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * power; }).find(function (s) { return s >= raw; });
    var ticks = [];
    for (var t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    return ticks;
  }

  // Ticks for a log10 axis, as positions (log10 of the value): decades over many decades, the
  // 2× and 5× steps too over about two, every 1…9 step within one, and when even that gives
  // fewer than two ticks, evenly stepped values placed on the log axis.
  function logTicks(low, high) {
    var ticks = [];
    var span = high - low;
    var steps = span < 0.7 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : span < 2.5 ? [1, 2, 5] : [1];
    for (var decade = Math.floor(low); decade <= Math.ceil(high); decade++) {
      steps.forEach(function (m) {
        var position = decade + Math.log10(m);
        if (position >= low - 1e-9 && position <= high + 1e-9) ticks.push(position);
      });
    }
    if (ticks.length >= 2) return ticks;
    return niceTicks(Math.pow(10, low), Math.pow(10, high), 5).filter(function (v) { return v > 0; }).map(Math.log10);
  }

  // A line chart over epochs. `series` are {name, xs, ys, color}; null ys are gaps. Returns
  // setMarker(x), which moves the dashed line that marks the epoch the slider shows.
  function lineChart(container, options) {
    var width = 1100, height = options.height || 330;
    // The legend has its own column right of the plot, so it never hides a curve; every line
    // chart has the same margins, so their epoch axes line up down the page.
    var pad = { left: 70, right: 190, top: 30, bottom: 46 };
    var svg = svgElement('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': options.title }, null);
    container.replaceChildren(svg);
    var log = !!options.log;
    var points = [];
    options.series.forEach(function (s) {
      s.xs.forEach(function (x, i) {
        var y = s.ys[i];
        if (y === null || y === undefined || !isFinite(y) || (log && y <= 0)) return;
        points.push([x, log ? Math.log10(y) : y]);
      });
    });
    svgText(svg, pad.left, 18, options.title, { class: 'title' });
    if (points.length === 0) {
      svgText(svg, width / 2, height / 2, 'no epoch measured yet', { 'text-anchor': 'middle' });
      return { setMarker: function () {} };
    }
    var xs = points.map(function (p) { return p[0]; }), ys = points.map(function (p) { return p[1]; });
    var xLow = options.xMin !== undefined ? options.xMin : Math.min.apply(null, xs);
    var xHigh = Math.max.apply(null, xs);
    if (xHigh === xLow) { xLow -= 1; xHigh += 1; }
    var yLow = options.yMin !== undefined ? options.yMin : Math.min.apply(null, ys);
    var yHigh = options.yMax !== undefined ? options.yMax : Math.max.apply(null, ys);
    if (yHigh === yLow) { yLow -= log ? 0.5 : Math.abs(yLow) * 0.1 + 0.5; yHigh += log ? 0.5 : Math.abs(yHigh) * 0.1 + 0.5; }
    var margin = (yHigh - yLow) * 0.04;
    if (options.yMin === undefined) yLow -= margin;
    if (options.yMax === undefined) yHigh += margin;
    var plotWidth = width - pad.left - pad.right, plotHeight = height - pad.top - pad.bottom;
    function px(x) { return pad.left + (x - xLow) / (xHigh - xLow) * plotWidth; }
    function py(y) { return pad.top + (1 - (y - yLow) / (yHigh - yLow)) * plotHeight; }

    (log ? logTicks(yLow, yHigh) : niceTicks(yLow, yHigh, 6)).forEach(function (t) {
      svgElement('line', { x1: pad.left, x2: width - pad.right, y1: py(t), y2: py(t), class: 'grid' }, svg);
      svgText(svg, pad.left - 6, py(t) + 4, log ? String(+Math.pow(10, t).toPrecision(4)) : format(t), { 'text-anchor': 'end' });
    });
    niceTicks(xLow, xHigh, 10).filter(function (t) { return Math.round(t) === t; }).forEach(function (t) {
      svgElement('line', { x1: px(t), x2: px(t), y1: pad.top, y2: height - pad.bottom, class: 'grid' }, svg);
      svgText(svg, px(t), height - pad.bottom + 16, String(t), { 'text-anchor': 'middle' });
    });
    svgElement('rect', { x: pad.left, y: pad.top, width: plotWidth, height: plotHeight, fill: 'none', class: 'axis' }, svg);
    svgText(svg, pad.left + plotWidth / 2, height - 8, options.xLabel, { 'text-anchor': 'middle' });
    svgText(svg, 16, pad.top + plotHeight / 2, options.yLabel + (log ? ' (log scale)' : ''),
      { 'text-anchor': 'middle', transform: 'rotate(-90 16 ' + (pad.top + plotHeight / 2) + ')' });

    options.series.forEach(function (s, index) {
      var path = '', pen = 'M';
      s.xs.forEach(function (x, i) {
        var y = s.ys[i];
        if (y === null || y === undefined || !isFinite(y) || (log && y <= 0)) { pen = 'M'; return; }
        path += pen + px(x).toFixed(1) + ' ' + py(log ? Math.log10(y) : y).toFixed(1) + ' ';
        pen = 'L';
      });
      if (path) svgElement('path', { d: path, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-linejoin': 'round' }, svg);
    });
    var legendLeft = width - pad.right + 14;
    options.series.forEach(function (s, index) {
      var legendY = pad.top + 12 + index * 20;
      svgElement('line', { x1: legendLeft, x2: legendLeft + 24, y1: legendY - 4, y2: legendY - 4, stroke: s.color, 'stroke-width': 3 }, svg);
      svgText(svg, legendLeft + 30, legendY, s.name);
    });

    var marker = svgElement('line', { y1: pad.top, y2: height - pad.bottom, class: 'marker', visibility: 'hidden' }, svg);
    return {
      setMarker: function (x) {
        var inside = x >= xLow && x <= xHigh;
        marker.setAttribute('visibility', inside ? 'visible' : 'hidden');
        if (inside) { marker.setAttribute('x1', px(x)); marker.setAttribute('x2', px(x)); }
      }
    };
  }

  // A histogram of one layer's weights on a fixed axis [low, high]. The count axis is either
  // fixed over every shown state (so scrubbing shows the distribution itself spreading or
  // narrowing) or fitted to the state shown (so a spread-out late state is still readable).
  function histogramChart(container, layer, color) {
    var width = 520, height = 230, pad = { left: 48, right: 14, top: 10, bottom: 40 };
    var svg = svgElement('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'weight histogram of layer ' + layer.index }, container);
    var plotWidth = width - pad.left - pad.right, plotHeight = height - pad.top - pad.bottom;
    var bins = data.weights.bins, binWidth = plotWidth / bins;
    var countAxis = svgElement('g', {}, svg);
    niceTicks(layer.low, layer.high, 7).forEach(function (t) {
      var x = pad.left + (t - layer.low) / (layer.high - layer.low) * plotWidth;
      svgText(svg, x, height - pad.bottom + 15, format(t), { 'text-anchor': 'middle' });
    });
    var bars = [];
    for (var b = 0; b < bins; b++) {
      bars.push(svgElement('rect', { x: pad.left + b * binWidth + 0.5, width: Math.max(binWidth - 1, 0.5), y: pad.top + plotHeight, height: 0, fill: color }, svg));
    }
    svgElement('rect', { x: pad.left, y: pad.top, width: plotWidth, height: plotHeight, fill: 'none', class: 'axis' }, svg);
    svgText(svg, pad.left + plotWidth / 2, height - 6, 'weight value', { 'text-anchor': 'middle' });
    return function (counts, maxCount) {
      var top = maxCount * 1.06;
      function py(count) { return pad.top + (1 - count / top) * plotHeight; }
      countAxis.replaceChildren();
      niceTicks(0, maxCount, 4).forEach(function (t) {
        svgElement('line', { x1: pad.left, x2: width - pad.right, y1: py(t), y2: py(t), class: 'grid' }, countAxis);
        svgText(countAxis, pad.left - 5, py(t) + 4, format(t), { 'text-anchor': 'end' });
      });
      counts.forEach(function (count, i) {
        bars[i].setAttribute('y', py(count));
        bars[i].setAttribute('height', py(0) - py(count));
      });
    };
  }

  var metrics = data.metrics;
  var hasValidation = metrics.validationLoss.some(function (v) { return v !== null; });
  var hasAccuracy = metrics.validationAccuracy.some(function (v) { return v !== null; });
  var charts = [];

  function drawCurves() {
    var log = document.getElementById('log-scale').checked;
    var series = [{ name: 'training loss', xs: metrics.epoch, ys: metrics.loss, color: COLORS[0] }];
    if (hasValidation) series.push({ name: 'validation loss', xs: metrics.epoch, ys: metrics.validationLoss, color: COLORS[1] });
    charts = [lineChart(document.getElementById('loss-chart'), { title: 'Loss per epoch', xLabel: 'epoch', yLabel: 'loss', series: series, log: log, xMin: 0 })];
    if (hasAccuracy) {
      charts.push(lineChart(document.getElementById('accuracy-chart'), {
        title: 'Validation accuracy', xLabel: 'epoch', yLabel: 'accuracy (%)', height: 240, yMin: 0, yMax: 100, xMin: 0,
        series: [{ name: 'validation accuracy', xs: metrics.epoch, ys: metrics.validationAccuracy.map(function (v) { return v === null ? null : 100 * v; }), color: COLORS[2] }]
      }));
    }
  }

  var weights = data.weights;
  var epochs = weights.epochs;
  var layerViews = data.layers.map(function (layer, i) {
    var card = document.createElement('div');
    card.className = 'layer chart';
    var heading = document.createElement('h3');
    heading.style.margin = '0';
    heading.style.fontSize = '15px';
    heading.textContent = 'layer ' + layer.index + ' [' + layer.outputs + '×' + layer.inputs + '] ' + layer.activation;
    var norms = document.createElement('p');
    norms.className = 'norms';
    card.appendChild(heading);
    card.appendChild(norms);
    document.getElementById('layers').appendChild(card);
    var maxCount = Math.max(1, Math.max.apply(null, weights.histograms.map(function (h) { return Math.max.apply(null, h[i]); })));
    return { update: histogramChart(card, layer, COLORS[i % COLORS.length]), maxCount: maxCount, norms: norms };
  });

  var normChart = lineChart(document.getElementById('norm-chart'), {
    title: 'Weight norm ‖W‖ per layer', xLabel: 'epoch (saved states)', yLabel: '‖W‖', height: 280, xMin: 0,
    series: data.layers.map(function (layer, i) {
      return { name: 'layer ' + layer.index, xs: epochs, ys: weights.weightNorms.map(function (n) { return n[i]; }), color: COLORS[i % COLORS.length] };
    })
  });

  // layers.csv's panel, when the run recorded it: log axes, and a reference series for the
  // update ratio's rule of thumb (1e-3) spanning the epochs shown.
  var stats = data.layerStats;
  var statCharts = [];
  if (stats) {
    var statSeries = function (values) {
      return stats.layers.map(function (layer, i) {
        return { name: 'layer ' + layer, xs: stats.epochs, ys: values[i], color: COLORS[i % COLORS.length] };
      });
    };
    statCharts.push(lineChart(document.getElementById('gradient-chart'), {
      title: 'Gradient norm ‖∂L/∂W‖ per layer', xLabel: 'epoch', yLabel: '‖∂L/∂W‖', height: 300, xMin: 0, log: true,
      series: statSeries(stats.gradientNorms)
    }));
    var first = stats.epochs[0], last = stats.epochs[stats.epochs.length - 1];
    statCharts.push(lineChart(document.getElementById('ratio-chart'), {
      title: 'Update ratio ‖ΔW‖/‖W‖ per layer', xLabel: 'epoch', yLabel: '‖ΔW‖/‖W‖', height: 300, xMin: 0, log: true,
      series: statSeries(stats.updateRatios).concat([{ name: '1e-3 (rule of thumb)', xs: [first, last], ys: [1e-3, 1e-3], color: '#7f7f7f' }])
    }));
  }

  function gradientText(index, layerIndex) {
    if (!stats) return '';
    var position = stats.layers.indexOf(layerIndex);
    var value = position < 0 ? null : stats.gradientNormsAtStates[index][position];
    var epoch = epochs[index];
    return epoch === 0 ? '   ‖∂L/∂W‖: – (no epoch before state 0)'
      : '   ‖∂L/∂W‖ in epoch ' + epoch + ' = ' + formatLong(value);
  }

  var slider = document.getElementById('epoch-slider');
  slider.max = String(epochs.length - 1);
  var label = document.getElementById('epoch-label');

  function show(index, updateHash) {
    var epoch = epochs[index];
    slider.value = String(index);
    var row = metrics.epoch.indexOf(epoch);
    var measured = epoch === 0 ? 'the initial state, before any step'
      : row < 0 ? 'no metrics row shown for this epoch'
      : 'training loss ' + formatLong(metrics.loss[row]) +
        (hasValidation ? ', validation loss ' + formatLong(metrics.validationLoss[row]) : '') +
        (hasAccuracy && metrics.validationAccuracy[row] !== null ? ', validation accuracy ' + (100 * metrics.validationAccuracy[row]).toFixed(1) + '%' : '');
    label.textContent = 'state ' + epoch + ' (' + (index + 1) + ' of ' + epochs.length + ' shown' +
      (weights.keptCount > epochs.length ? ', evenly chosen from ' + weights.keptCount + ' kept' : '') + '): ' + measured;
    var fixed = document.getElementById('fixed-counts').checked;
    layerViews.forEach(function (view, i) {
      var counts = weights.histograms[index][i];
      view.update(counts, fixed ? view.maxCount : Math.max(1, Math.max.apply(null, counts)));
      view.norms.textContent = '‖W‖ = ' + formatLong(weights.weightNorms[index][i]) + '   ‖b‖ = ' + formatLong(weights.biasNorms[index][i]) +
        gradientText(index, data.layers[i].index);
    });
    charts.concat([normChart], statCharts).forEach(function (chart) { chart.setMarker(epoch); });
    if (updateHash && window.history && history.replaceState) history.replaceState(null, '', '#epoch=' + epoch);
  }

  // #epoch=K picks the shown state nearest to K (the last one when absent).
  function indexFromHash() {
    var match = /epoch=(\d+)/.exec(window.location.hash);
    if (!match) return epochs.length - 1;
    var wanted = Number(match[1]), best = 0;
    epochs.forEach(function (e, i) { if (Math.abs(e - wanted) < Math.abs(epochs[best] - wanted)) best = i; });
    return best;
  }

  document.getElementById('fixed-counts').addEventListener('change', function () { show(Number(slider.value), false); });
  document.getElementById('log-scale').addEventListener('change', function () { drawCurves(); show(Number(slider.value), false); });
  slider.addEventListener('input', function () { show(Number(slider.value), true); });
  window.addEventListener('hashchange', function () { show(indexFromHash(), false); });
  drawCurves();
  show(indexFromHash(), false);
})();
