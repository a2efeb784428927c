// Flash sale page: live state polling, buy through the JSON endpoint, then poll the reservation.
// The published page is the same for everyone: it holds no buyer token, so the token is fetched
// from the token endpoint (logged-in buyers only; 401 -> "log in") before buying. Without
// JavaScript the form posts to the join view (a private copy of the page with the token) and the
// reservation page refreshes itself.
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

  // The buyer token: in the private copy of the page already, else fetched once (and again when
  // the buy endpoint says it expired). A failure with .login set means "not logged in".
  var token = root.dataset.token || "";
  var tokenRequest = null;
  function buyerToken() {
    if (token) { return Promise.resolve(token); }
    if (!root.dataset.tokenUrl) { return Promise.reject({ login: true }); }
    if (!tokenRequest) {
      tokenRequest = getJSON(root.dataset.tokenUrl).then(function (answer) {
        tokenRequest = null;
        if (answer.status === 200 && answer.body.token) { token = answer.body.token; return token; }
        throw { login: answer.status === 401 };
      }, function () { tokenRequest = null; throw { login: false }; });
    }
    return tokenRequest;
  }

  var tokenAsked = false;
  function refreshState() {
    getJSON(root.dataset.stateUrl).then(function (answer) {
      if (answer.status === 200) { showState(answer.body); }
      var over = answer.body && answer.body.state === "ended";
      // Fetch the token before the rush (not at the moment of buying) while the sale can still sell.
      if (!over && !tokenAsked) { tokenAsked = true; buyerToken().catch(function () {}); }
      if (!over) { setTimeout(refreshState, 2000); }
    }).catch(function () { setTimeout(refreshState, 4000); });
  }
  refreshState();

  function showLogIn() {
    result.textContent = "";
    var link = document.createElement("a");
    link.href = root.dataset.loginUrl;
    link.className = "btn btn-primary";
    link.textContent = t("logIn");
    result.appendChild(link);
  }

  function csrfToken() {
    if (t("csrf")) { return t("csrf"); }
    var field = document.querySelector("[data-live-csrf]");  // filled by live.js from /live/session/
    return field ? field.value : "";
  }

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
        csrf.type = "hidden"; csrf.name = "csrfmiddlewaretoken"; csrf.value = csrfToken();
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

  function buy(quantity, retried) {
    return buyerToken().then(function (buyer) {
      var headers = { "Content-Type": "application/json" };
      headers[root.dataset.tokenHeader] = buyer;
      return fetch(root.dataset.buyUrl, { method: "POST", headers: headers, body: JSON.stringify({ quantity: quantity }), credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body, token: buyer }; }); })
        .then(function (answer) {
          if (answer.status === 401 && !retried && root.dataset.tokenUrl) {
            token = "";  // expired: fetch a fresh one once
            return buy(quantity, true);
          }
          return answer;
        });
    });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var quantity = parseInt(form.querySelector("[name=quantity]").value, 10) || 1;
      var button = form.querySelector("button");
      button.disabled = true;
      buy(quantity, false)
        .then(function (answer) {
          if (answer.status === 202) {
            result.textContent = t("in");
            var pollHeaders = {};
            pollHeaders[root.dataset.tokenHeader] = answer.token;
            pollReservation(answer.body.status_url, pollHeaders);
          } else if (answer.status === 401) {
            showLogIn();
            button.disabled = false;
          } else {
            result.textContent = answer.body.message || t("error");
            button.disabled = false;
          }
        })
        .catch(function (error) {
          if (error && error.login) { showLogIn(); } else { result.textContent = t("error"); }
          button.disabled = false;
        });
    });
  }
}());
