// "Copy" buttons: put the text of the element their data-copy names on the clipboard, and say
// "Copied" in the status beside them (read out by screen readers). Works with the keyboard, as
// every button does.
document.querySelectorAll("button.copy").forEach(function (button) {
  button.addEventListener("click", function () {
    var text = document.getElementById(button.dataset.copy).textContent.trim();
    var status = button.parentElement.querySelector(".copied");
    function done() {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = status.dataset.copied; }, 50);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var field = document.createElement("textarea");
      field.value = text;
      document.body.appendChild(field);
      field.select();
      document.execCommand("copy");
      field.remove();
      done();
    }
  });
});
