// The live parts of a published page (it is the same for everyone and complete without them):
// the shopper's name, links and cart count, the CSRF token of the page's forms, and a product's
// stock and flash-sale state. One small JSON request per kind; nothing happens if it fails.
(function () {
  "use strict";

  function getJSON(url, callback) {
    if (!url || !window.fetch) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) callback(data); })
      .catch(function () {});
  }

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  getJSON(document.body.getAttribute("data-live-session"), function (session) {
    each("[data-live-csrf]", function (input) { input.value = session.csrf_token || ""; });
    if (session.cart_count > 0) {
      each("[data-live-cart-count]", function (el) { el.textContent = "(" + session.cart_count + ")"; el.hidden = false; });
    }
    if (session.user) {
      each("[data-live-user-name]", function (el) { el.textContent = session.user.name; });
      each("[data-live-user]", function (el) { el.hidden = false; });
      each("[data-live-visitor]", function (el) { el.hidden = true; });
    }
  });

  each("[data-live-product]", function (box) {
    getJSON(box.getAttribute("data-live-product"), function (live) {
      var stock = box.querySelector("[data-live-stock]");
      if (stock) {
        if (!live.in_stock) stock.textContent = box.getAttribute("data-label-out-of-stock");
        else if (live.stock_left !== null) stock.textContent = box.getAttribute("data-label-left").replace("%(left)s", live.stock_left);
        else stock.textContent = box.getAttribute("data-label-in-stock");
        stock.hidden = false;
      }
      var sale = box.querySelector("[data-live-sale]");
      var label = live.flash_sale && box.getAttribute("data-label-sale-" + live.flash_sale.state.replace(/_/g, "-"));
      if (sale && label) {
        // the sale's page is under the sales page, in the page's own language: /zh-hans/flash/5/
        var sales = box.getAttribute("data-sales-url");
        sale.textContent = label;
        if (sales) sale.href = sales + live.flash_sale.sale_id + "/";
        sale.parentNode.hidden = false;
      }
    });
  });
})();
