// Uploads the chosen files one by one, each with its own progress bar. Without this script
// the form still works: it posts all files at once and the service answers with the receipt.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = form.querySelector("input[type=file]");
  var list = document.getElementById("voortgang");
  var error = document.getElementById("fout");
  var button = form.querySelector("button[type=submit]");
  var maxFiles = parseInt(form.getAttribute("data-max-files"), 10) || 10;

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }

  function row(file) {
    var item = document.createElement("li");
    item.className = "progress-item";
    var name = document.createElement("span");
    name.className = "progress-item__name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Voortgang van " + file.name);
    var state = document.createElement("span");
    state.className = "progress-item__state";
    state.textContent = "Wacht…";
    item.appendChild(name);
    item.appendChild(bar);
    item.appendChild(state);
    list.appendChild(item);
    return { bar: bar, state: state, item: item };
  }

  function send(file, view) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append(input.name, file, file.name);
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          view.bar.value = Math.round((event.loaded / event.total) * 100);
          view.state.textContent = view.bar.value + "%";
        }
      });
      request.addEventListener("load", function () {
        if (request.status === 201) {
          view.bar.value = 100;
          view.state.textContent = "Ontvangen";
          view.item.className += " progress-item--done";
          resolve(true);
          return;
        }
        var detail = "Het versturen is niet gelukt.";
        try { detail = JSON.parse(request.responseText).detail || detail; } catch (ignored) {}
        view.state.textContent = detail;
        view.item.className += " progress-item--failed";
        resolve(false);
      });
      request.addEventListener("error", function () {
        view.state.textContent = "Geen verbinding. Probeer het opnieuw.";
        view.item.className += " progress-item--failed";
        resolve(false);
      });
      view.state.textContent = "Bezig…";
      request.send(data);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length === 0) { showError("Kies eerst een bestand."); return; }
    if (files.length > maxFiles) { showError("Kies ten hoogste " + maxFiles + " bestanden tegelijk."); return; }
    list.textContent = "";
    button.disabled = true;
    var views = files.map(row);
    var results = [];
    files.reduce(function (previous, file, index) {
      return previous.then(function () {
        return send(file, views[index]).then(function (ok) { results.push(ok); });
      });
    }, Promise.resolve()).then(function () {
      button.disabled = false;
      if (results.every(Boolean)) {
        window.location.assign(form.action + "/ontvangen");
      } else if (results.some(Boolean)) {
        showError("Niet alle bestanden zijn verstuurd. Kies de bestanden die niet gelukt zijn opnieuw.");
      } else {
        showError("Het versturen is niet gelukt. Lees hieronder waarom.");
      }
    });
  });
}());
