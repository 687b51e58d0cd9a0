// The vendor's photo form: a "Take a photo" button that opens the phone's camera, a preview
// of the chosen photo, and the upload sent with a progress bar. Without this file the form
// still posts the photo chosen with its plain file field (phones offer their camera there
// too) and the page answers; with it the vendor sees the photo before sending, and how far
// the upload is on a slow connection.
"use strict";
document.querySelectorAll("form.photo-upload").forEach(function (form) {
  var inputs = form.querySelectorAll("input[type=file]");
  var camera = form.querySelector("input[capture]");
  var preview = form.querySelector("img.preview");
  var progress = form.querySelector("progress");
  var alert = form.querySelector("p[role=alert]");
  var button = form.querySelector("button[type=submit]");
  var chosen = null;
  function say(text) {
    alert.textContent = text;
    alert.hidden = !text;
  }
  if (camera) {
    camera.disabled = false;
    form.querySelector("label.camera").hidden = false;
  }
  inputs.forEach(function (input) {
    input.addEventListener("change", function () {
      say("");
      chosen = input.files[0] || null;
      if (!chosen) { preview.hidden = true; return; }
      var reader = new FileReader();
      reader.onload = function () { preview.src = reader.result; preview.hidden = false; };
      reader.readAsDataURL(chosen);
    });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!chosen) { say(form.dataset.missing); return; }
    var data = new FormData();
    data.append("photo", chosen, chosen.name || "photo.jpg");
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.onprogress = function (e) {
      if (e.lengthComputable) { progress.value = Math.round(100 * e.loaded / e.total); }
    };
    function failed(text) {
      progress.hidden = true;
      button.disabled = false;
      say(text);
    }
    request.onload = function () {
      // Success is a redirect to the product's form, which says the photo is on the page.
      if (request.status < 400) { location.assign(request.responseURL || location.href); return; }
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      var sentence = page.querySelector("main [role=alert]");
      failed(sentence && sentence.textContent ? sentence.textContent : form.dataset.failed);
    };
    request.onerror = function () { failed(form.dataset.failed); };
    progress.value = 0;
    progress.hidden = false;
    button.disabled = true;
    say("");
    request.send(data);
  });
});
