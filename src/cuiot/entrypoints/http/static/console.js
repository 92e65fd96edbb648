// The console's live alerts, in plain JavaScript served by CUIOT (no library, no build).
//
// The page holds the rows the server rendered. The WebSocket /api/v1/ws/alerts (signed
// in by the session's HttpOnly cookie) names each alert that opens or changes; the row is
// then asked of the server (/console/alertas/<id>, rendered by the same template) and put
// in its place. On every (re)connection the rows are reloaded, since the stream does not
// replay what happened meanwhile. Acknowledge and resolve post their form and swap in
// the row the server answers. Requests go one at a time: a session renewal (an expired
// access token) must never race another.
"use strict";

(function () {
  var FETCH = { "X-Cuiot-Console": "1" };
  var SIGN_IN = "/console/entrar";
  var UNAUTHORIZED = 4401;
  var queue = Promise.resolve();

  function serially(job) {
    queue = queue.then(job, job);
    return queue;
  }

  function ask(url, options) {
    options = options || {};
    options.headers = FETCH;
    options.credentials = "same-origin";
    options.redirect = "error";
    return fetch(url, options).then(function (response) {
      if (response.status === 401) {
        window.location.assign(SIGN_IN);
        throw new Error("signed out");
      }
      if (response.status === 429) {
        // Past the per-address limit: the rows are asked again once it allows.
        var wait = Number(response.headers.get("Retry-After")) || 5;
        setTimeout(reloadRows, wait * 1000);
      }
      return response.text().then(function (html) {
        return { ok: response.ok, status: response.status, html: html };
      });
    });
  }

  // -- how long ago, counted on the page (the server's words: hace 40 s, hace 3 min) --
  function ago(moment) {
    var seconds = Math.max(0, Math.floor((Date.now() - Date.parse(moment)) / 1000));
    var units = [["día", 86400], ["h", 3600], ["min", 60]];
    for (var i = 0; i < units.length; i++) {
      if (seconds >= units[i][1]) {
        var count = Math.floor(seconds / units[i][1]);
        return "hace " + count + " " + units[i][0] + (units[i][0] === "día" && count > 1 ? "s" : "");
      }
    }
    return "hace " + seconds + " s";
  }

  function tick() {
    document.querySelectorAll("time[data-ago]").forEach(function (time) {
      time.textContent = ago(time.getAttribute("datetime"));
    });
  }

  setInterval(tick, 5000);

  var rows = document.getElementById("alert-rows");
  if (!rows) {
    return;
  }
  var live = document.getElementById("live");
  var announcer = document.getElementById("announcer");

  function parseRows(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.querySelectorAll("tr");
  }

  function comesBefore(a, b) {
    var rankA = Number(a.dataset.rank), rankB = Number(b.dataset.rank);
    if (rankA !== rankB) {
      return rankA > rankB;
    }
    return Date.parse(a.dataset.created) > Date.parse(b.dataset.created);
  }

  function find(id) {
    return rows.querySelector('tr[data-alert-id="' + CSS.escape(id) + '"]');
  }

  function focusIn(row) {
    var next = row.querySelector("button, a");
    if (next) {
      next.focus();
    }
  }

  function place(row) {
    tick();  // every row counts from the same moment as the one that arrives
    var old = find(row.dataset.alertId);
    if (old) {
      var focused = old.contains(document.activeElement);
      old.replaceWith(row);
      if (focused) {
        focusIn(row);
      }
      return;
    }
    var empty = rows.querySelector("tr.empty");
    if (empty) {
      empty.remove();
    }
    var after = Array.prototype.find.call(rows.querySelectorAll("tr[data-alert-id]"),
      function (other) { return comesBefore(row, other); });
    rows.insertBefore(row, after || null);
    row.classList.add("fresh");
    var cells = row.querySelectorAll("td");
    announcer.textContent = "Nueva alerta: " + Array.prototype.slice.call(cells, 0, 4)
      .map(function (cell) { return cell.textContent.trim().replace(/\s+/g, " "); }).join(", ");
  }

  function refreshRow(id) {
    return serially(function () {
      return ask("/console/alertas/" + encodeURIComponent(id)).then(function (answer) {
        if (answer.ok) {
          parseRows(answer.html).forEach(place);
        }
      });
    });
  }

  function reloadRows() {
    return serially(function () {
      return ask("/console/alertas").then(function (answer) {
        if (answer.ok) {
          rows.replaceChildren.apply(rows, parseRows(answer.html));
          tick();
        }
      });
    });
  }

  // -- acknowledge and resolve: post the row's form, show the row the server answers --
  rows.addEventListener("submit", function (event) {
    var form = event.target;
    event.preventDefault();
    var button = form.querySelector("button");
    var focused = button === document.activeElement;  // lost once the button is disabled
    button.disabled = true;
    serially(function () {
      return ask(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)) })
        .then(function (answer) {
          if (answer.ok) {
            parseRows(answer.html).forEach(function (row) {
              place(row);
              if (focused) {
                focusIn(row);
              }
            });
          } else {
            announcer.textContent = "No se pudo: la alerta cambió mientras tanto.";
            refreshRow(form.closest("tr").dataset.alertId);
          }
        });
    });
  });

  // -- the live stream ---------------------------------------------------------------
  var delay = 1000;

  function show(state, text) {
    live.dataset.live = state;
    live.textContent = text;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + window.location.host + "/api/v1/ws/alerts");
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "ready") {
        delay = 1000;
        show("on", "En vivo");
        reloadRows();
      } else if (message.type === "alert") {
        refreshRow(message.alert.id);
      }
    };
    socket.onclose = function (event) {
      show("off", "Sin conexión: reintentando…");
      var wait = delay;
      delay = Math.min(delay * 2, 15000);
      // 4401: the access token ran out; a console request renews it (or signs out).
      var renew = event.code === UNAUTHORIZED ? reloadRows() : Promise.resolve();
      renew.then(function () { setTimeout(connect, wait); },
                 function () { setTimeout(connect, wait); });
    };
  }

  connect();
})();
