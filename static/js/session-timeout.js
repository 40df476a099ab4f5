// Warns two minutes before an idle session ends and offers to keep it, as the GOV.UK
// timeout warning pattern does.
//
// The server ends a session after settings.SESSION_COOKIE_AGE seconds without a
// request (base.html puts it on <body data-session-timeout>). Each page load starts
// the clock again. "Stay signed in" sends a POST to the keep-alive URL, which renews
// the session. If nobody answers, the page goes to the sign-in page when the time is
// up, so a child's details are not left on an unattended screen; form-drafts.js
// keeps what was typed for after sign-in.
//
// Without JavaScript nothing here runs: the session still ends on the server, and
// the sign-in page explains what happened to a form posted too late.
//
// TODO: Each tab keeps its own clock, so a tab left alone goes to the sign-in page
// even while the person works in another tab (sign-in then sends them straight
// back, as the session is still alive). Share the deadline between tabs (for
// example with a BroadcastChannel) and this mark can go.

const WARN_BEFORE_SECONDS = 120;

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function minutesAndSeconds(totalSeconds) {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  const parts = [];
  if (minutes > 0) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (seconds > 0 || minutes === 0) {
    parts.push(`${seconds} second${seconds === 1 ? "" : "s"}`);
  }
  return parts.join(" ");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function buildDialog() {
  const dialog = element("dialog", "app-timeout-dialog");
  dialog.setAttribute("aria-labelledby", "app-timeout-title");
  dialog.setAttribute("aria-describedby", "app-timeout-text");
  dialog.dataset.timeoutWarning = "";

  const title = element("h2", "govuk-heading-m", "You're about to be signed out");
  title.id = "app-timeout-title";

  const text = element("p", "govuk-body");
  text.id = "app-timeout-text";
  text.append("For your security, we will sign you out in ");
  const countdown = element("strong", "", "");
  countdown.setAttribute("aria-hidden", "true");
  text.append(countdown, ".");

  // Screen readers hear the time left once a minute, not every second.
  const announcement = element("p", "govuk-visually-hidden");
  announcement.setAttribute("aria-live", "polite");

  const kept = element(
    "p",
    "govuk-body",
    "Anything you have typed but not saved stays in this browser tab and will be put back after you sign in again.",
  );

  const buttons = element("div", "govuk-button-group");
  const stay = element("button", "govuk-button", "Stay signed in");
  stay.type = "button";
  stay.dataset.stay = "";
  const leave = element("button", "govuk-button govuk-button--secondary", "Sign out");
  leave.type = "button";
  leave.dataset.signOut = "";
  buttons.append(stay, leave);

  dialog.append(title, text, announcement, kept, buttons);
  document.body.append(dialog);
  return { dialog, countdown, announcement, stay, leave };
}

function start() {
  const body = document.body;
  const timeoutSeconds = Number(body.dataset.sessionTimeout);
  const keepaliveUrl = body.dataset.keepaliveUrl;
  const signInUrl = body.dataset.signInUrl;
  if (!timeoutSeconds || !keepaliveUrl || !signInUrl) return;
  if (typeof HTMLDialogElement === "undefined") return;

  const warnBefore = Math.min(WARN_BEFORE_SECONDS, Math.floor(timeoutSeconds / 2));
  const parts = buildDialog();
  let deadline = Date.now() + timeoutSeconds * 1000;
  let ticker = null;
  let lastAnnouncedMinute = null;

  const secondsLeft = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));

  const signedOut = () => {
    window.clearInterval(ticker);
    document.dispatchEvent(new CustomEvent("app:signed-out"));
    const next = encodeURIComponent(window.location.pathname);
    window.location.assign(`${signInUrl}?next=${next}`);
  };

  const tick = () => {
    const left = secondsLeft();
    if (left <= 0) {
      signedOut();
      return;
    }
    if (left <= warnBefore && !parts.dialog.open) {
      parts.dialog.showModal();
      parts.stay.focus();
    }
    if (parts.dialog.open) {
      parts.countdown.textContent = minutesAndSeconds(left);
      const minute = Math.ceil(left / 60);
      if (minute !== lastAnnouncedMinute) {
        lastAnnouncedMinute = minute;
        parts.announcement.textContent = `You will be signed out in ${minutesAndSeconds(
          Math.min(left, minute * 60),
        )}.`;
      }
    }
  };

  const stayIn = async () => {
    parts.stay.disabled = true;
    try {
      const response = await fetch(keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      if (response.status === 401) {
        signedOut();
        return;
      }
      if (!response.ok) throw new Error(`keep-alive answered ${response.status}`);
      const answer = await response.json();
      deadline = Date.now() + (answer.expires_in || timeoutSeconds) * 1000;
      lastAnnouncedMinute = null;
      parts.dialog.close();
    } catch {
      parts.announcement.textContent =
        "We could not keep you signed in. Save your work now.";
    } finally {
      parts.stay.disabled = false;
    }
  };

  parts.stay.addEventListener("click", stayIn);
  // Escape means "not now" in a dialog; here that is the same as staying.
  parts.dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stayIn();
  });
  parts.leave.addEventListener("click", () => {
    document.dispatchEvent(new CustomEvent("app:sign-out"));
    const form = document.querySelector("form.app-service-navigation__form");
    if (form) form.requestSubmit();
  });

  ticker = window.setInterval(tick, 1000);
}

start();
