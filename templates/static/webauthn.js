// Security keys and passkeys for cheeseshop: plain JavaScript, no framework.
// Forms and buttons carry their endpoints and the CSRF token in data- attributes.
(function () {
  "use strict";

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // What to tell the user, in the page's language: a JSON block the page carries (macros.html).
  var MESSAGES = JSON.parse(document.getElementById("webauthn-messages").textContent);

  function explain(error) {
    if (!window.PublicKeyCredential) { return MESSAGES.unsupported; }
    switch (error && error.name) {
      case "NotAllowedError":
        return MESSAGES.not_allowed;
      case "InvalidStateError":
        return MESSAGES.already_registered;
      case "SecurityError":
        return MESSAGES.wrong_address;
      case "AbortError":
        return MESSAGES.cancelled;
      case "ServerError":
        return error.message;
      default:
        return MESSAGES.failed;
    }
  }

  function say(target, message) {
    target.textContent = message;
    target.hidden = false;
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || MESSAGES.refused);
          error.name = "ServerError";
          error.redirect = data.redirect;
          throw error;
        }
        return data;
      });
    });
  }

  function creationOptions(publicKey) {
    publicKey.challenge = toBuffer(publicKey.challenge);
    publicKey.user.id = toBuffer(publicKey.user.id);
    (publicKey.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return publicKey;
  }

  function requestOptions(publicKey) {
    publicKey.challenge = toBuffer(publicKey.challenge);
    (publicKey.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return publicKey;
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        attestationObject: toBase64url(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : []
      },
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        authenticatorData: toBase64url(response.authenticatorData),
        signature: toBase64url(response.signature),
        userHandle: response.userHandle ? toBase64url(response.userHandle) : null
      },
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  function busy(button, on) {
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }

  var form = document.getElementById("webauthn-register");
  if (form) {
    // The button stays disabled until this handler is in place: never a plain form post.
    form.querySelector("button[type=submit]").disabled = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = document.getElementById("webauthn-error");
      var button = form.querySelector("button[type=submit]");
      var label = form.querySelector("[name=label]").value;
      var csrf = form.dataset.csrf;
      var challengeId;
      status.hidden = true;
      if (!window.PublicKeyCredential) { say(status, explain(null)); return; }
      busy(button, true);
      post(form.dataset.optionsUrl, csrf, {label: label}).then(function (options) {
        challengeId = options.challengeId;
        return navigator.credentials.create({publicKey: creationOptions(options.publicKey)});
      }).then(function (credential) {
        return post(form.dataset.verifyUrl, csrf, {challengeId: challengeId, label: label,
                                                   credential: registrationJSON(credential)});
      }).then(function (done) {
        window.location.assign(done.redirect);
      }).catch(function (error) {
        busy(button, false);
        say(status, explain(error));
      });
    });
  }

  // Signing in with a passkey: by the button, or by the browser's autofill on the Username
  // field (conditional mediation), which waits in the background once the field has focus.
  var passkey = document.getElementById("passkey-login");
  if (passkey && window.PublicKeyCredential) {
    document.getElementById("passkey-section").hidden = false;
    var passkeyStatus = document.getElementById("webauthn-error");
    var autofill = null;

    var signIn = function (controller, mediation) {
      var csrf = passkey.dataset.csrf;
      var challengeId;
      return post(passkey.dataset.optionsUrl, csrf, {}).then(function (options) {
        challengeId = options.challengeId;
        var request = {publicKey: requestOptions(options.publicKey), signal: controller.signal};
        if (mediation) { request.mediation = mediation; }
        return navigator.credentials.get(request);
      }).then(function (credential) {
        return post(passkey.dataset.verifyUrl, csrf, {challengeId: challengeId, next: passkey.dataset.next,
                                                      credential: assertionJSON(credential)});
      }).then(function (done) {
        window.location.assign(done.redirect);
      });
    };

    var username = document.getElementById("username");
    if (username && PublicKeyCredential.isConditionalMediationAvailable) {
      username.addEventListener("focus", function () {
        if (autofill) { return; }
        autofill = new AbortController();
        var mine = autofill;
        PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
          if (!available || mine.signal.aborted) { return; }
          return signIn(mine, "conditional");
        }).catch(function (error) {
          // Cancelled by the button, or a passkey picked from autofill was refused: only the
          // second is news to the user, who may simply type a password instead.
          if (!mine.signal.aborted && error.name === "ServerError") { say(passkeyStatus, explain(error)); }
        });
      });
    }

    passkey.addEventListener("click", function () {
      if (autofill) { autofill.abort(); }
      autofill = new AbortController();  // nothing else starts while this one runs
      passkeyStatus.hidden = true;
      busy(passkey, true);
      signIn(autofill, null).catch(function (error) {
        busy(passkey, false);
        autofill = null;
        say(passkeyStatus, explain(error));
      });
    });
  }

  var login = document.getElementById("webauthn-login");
  if (login) {
    login.hidden = false;
    login.addEventListener("click", function () {
      var status = document.getElementById("webauthn-error");
      var csrf = login.dataset.csrf;
      var challengeId;
      status.hidden = true;
      if (!window.PublicKeyCredential) { say(status, explain(null)); return; }
      busy(login, true);
      post(login.dataset.optionsUrl, csrf, {}).then(function (options) {
        challengeId = options.challengeId;
        return navigator.credentials.get({publicKey: requestOptions(options.publicKey)});
      }).then(function (credential) {
        return post(login.dataset.verifyUrl, csrf, {challengeId: challengeId, credential: assertionJSON(credential)});
      }).then(function (done) {
        window.location.assign(done.redirect);
      }).catch(function (error) {
        busy(login, false);
        if (error.redirect) { window.location.assign(error.redirect); return; }
        say(status, explain(error));
      });
    });
  }
}());
