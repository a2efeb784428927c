// Flash sale page: live state polling, buy through the JSON endpoint, then poll the reservation.
// Without JavaScript the form posts to the page view and the reservation page refreshes itself.
(function () {
  "use strict";
  var texts = document.getElementById("flash-texts");
  var t = function (key) { return texts ? texts.dataset[key] || "" : ""; };

  function getJSON(url, headers) {
    return fetch(url, { headers: headers || {}, credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }

  // --- the reservation page (pending): poll until the order exists -------------------------------
  var reservationPage = document.getElementById("flash-reservation");
  if (reservationPage) {
    var headers = {};
    headers[reservationPage.dataset.tokenHeader] = reservationPage.dataset.token;
    var poll = function () {
      getJSON(reservationPage.dataset.statusUrl, headers).then(function (answer) {
        if (answer.status === 200 && answer.body.status === "pending") { setTimeout(poll, 1000); }
        else { window.location.reload(); }
      }).catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 1000);
    return;
  }

  var root = document.getElementById("flash-sale");
  if (!root) { return; }
  var stateBox = document.getElementById("flash-state");
  var result = document.getElementById("flash-result");
  var form = document.getElementById("flash-buy");

  function showState(state) {
    var labels = { not_started: t("notStarted"), sold_out: t("soldOut"), paused: t("paused"), ended: t("ended") };
    if (state.state === "live") {
      stateBox.textContent = t("live").replace("%(left)s", state.units_left).replace("%(units)s", state.units);
    } else {
      stateBox.textContent = labels[state.state] || "";
    }
    if (form) { form.querySelector("button").disabled = state.state !== "live"; }
  }

  function refreshState() {
    getJSON(root.dataset.stateUrl).then(function (answer) {
      if (answer.status === 200) { showState(answer.body); }
      if (!answer.body || answer.body.state !== "ended") { setTimeout(refreshState, 2000); }
    }).catch(function () { setTimeout(refreshState, 4000); });
  }
  setTimeout(refreshState, 2000);

  function pollReservation(statusUrl, headers) {
    getJSON(statusUrl, headers).then(function (answer) {
      var body = answer.body || {};
      if (answer.status === 200 && body.status === "pending") { setTimeout(function () { pollReservation(statusUrl, headers); }, 1000); return; }
      result.textContent = "";
      if (body.status === "ordered") {
        var p = document.createElement("p");
        p.textContent = t("ordered") + " " + body.order_number;
        var payForm = document.createElement("form");
        payForm.method = "post";
        payForm.action = body.pay_url;
        var csrf = document.createElement("input");
        csrf.type = "hidden"; csrf.name = "csrfmiddlewaretoken"; csrf.value = t("csrf");
        var button = document.createElement("button");
        button.type = "submit"; button.className = "btn btn-primary"; button.textContent = t("pay");
        payForm.appendChild(csrf); payForm.appendChild(button);
        result.appendChild(p); result.appendChild(payForm);
      } else if (body.status === "expired") {
        result.textContent = t("expired");
      } else {
        result.textContent = t("failed") + " " + (body.reason || body.message || "");
      }
    }).catch(function () { setTimeout(function () { pollReservation(statusUrl, headers); }, 2000); });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var headers = { "Content-Type": "application/json" };
      headers[root.dataset.tokenHeader] = root.dataset.token;
      var quantity = parseInt(form.querySelector("[name=quantity]").value, 10) || 1;
      form.querySelector("button").disabled = true;
      fetch(root.dataset.buyUrl, { method: "POST", headers: headers, body: JSON.stringify({ quantity: quantity }), credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
        .then(function (answer) {
          if (answer.status === 202) {
            result.textContent = t("in");
            var pollHeaders = {};
            pollHeaders[root.dataset.tokenHeader] = root.dataset.token;
            pollReservation(answer.body.status_url, pollHeaders);
          } else {
            result.textContent = answer.body.message || t("error");
            form.querySelector("button").disabled = false;
          }
        })
        .catch(function () { result.textContent = t("error"); form.querySelector("button").disabled = false; });
    });
  }
}());
