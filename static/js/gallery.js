// Progressive enhancement: a thumbnail click shows its picture as the main one. Without
// JavaScript the thumbnail links open the full picture.
document.addEventListener("click", function (event) {
  var link = event.target.closest(".thumbs a[data-full]");
  var main = document.getElementById("main-picture");
  if (!link || !main) return;
  event.preventDefault();
  main.src = link.dataset.full;
  main.alt = link.querySelector("img").alt;
});
