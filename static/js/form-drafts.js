// Keeps what someone types into a long form, so that a session time-out or a lost
// connection does not lose it.
//
// A form takes part when it, or an element around it, carries data-draft-key="…"
// (unique to the record and the form, for example "pep-12-section-B") and, for
// records with optimistic locking, data-draft-version="…" (the version the form was
// drawn from). On a wrapping element, the first POST form inside it is the one kept.
//
// - As the person types, the form's fields are kept in sessionStorage: never in
//   localStorage, so nothing outlives the browser tab on a shared computer.
//   Passwords, file inputs, hidden fields and the CSRF token are never kept.
// - When a page shows that the person was signed out (the sign-in page, or the
//   time-out warning ran out), every draft in the tab is marked as interrupted.
// - When the form is drawn again, an interrupted draft of the same version is put
//   back and a notification says so; a draft of an older version is not put back
//   (someone has saved the record since) and a notification says that instead.
// - A draft is dropped once its form was sent and the next page, signed in, does
//   not show the form again; it is kept if the next page says the form was not
//   saved (data-form-not-saved). Signing out drops every draft.
//
// Pages work without this script; it only adds a safety net.

const PREFIX = "pep-portal:draft:";
const SAVE_DELAY_MS = 300;
const SKIPPED_TYPES = new Set([
  "hidden",
  "password",
  "file",
  "submit",
  "button",
  "reset",
  "image",
]);

function openStorage() {
  try {
    const storage = window.sessionStorage;
    const probe = `${PREFIX}probe`;
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

const storage = openStorage();

function read(key) {
  try {
    const raw = storage.getItem(PREFIX + key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

function write(key, draft) {
  try {
    storage.setItem(PREFIX + key, JSON.stringify(draft));
  } catch {
    // Storage full or refused: the form still works, only without the safety net.
  }
}

function remove(key) {
  storage.removeItem(PREFIX + key);
}

function storedKeys() {
  const keys = [];
  for (let index = 0; index < storage.length; index += 1) {
    const name = storage.key(index);
    if (name && name.startsWith(PREFIX) && name !== `${PREFIX}probe`) {
      keys.push(name.slice(PREFIX.length));
    }
  }
  return keys;
}

function clearAll() {
  storedKeys().forEach(remove);
}

function markAllInterrupted() {
  storedKeys().forEach((key) => {
    const draft = read(key);
    if (draft) {
      draft.interrupted = true;
      draft.submitted = false;
      write(key, draft);
    }
  });
}

function keptElements(form) {
  return Array.from(form.elements).filter(
    (element) =>
      element.name &&
      element.name !== "csrfmiddlewaretoken" &&
      !element.disabled &&
      !SKIPPED_TYPES.has(element.type) &&
      !element.hasAttribute("data-draft-ignore") &&
      element.autocomplete !== "one-time-code",
  );
}

function collect(form) {
  const fields = {};
  keptElements(form).forEach((element) => {
    const values = fields[element.name] || [];
    if (element.type === "checkbox" || element.type === "radio") {
      if (element.checked) values.push(element.value);
    } else if (element.type === "select-multiple") {
      Array.from(element.selectedOptions).forEach((option) =>
        values.push(option.value),
      );
    } else {
      values.push(element.value);
    }
    fields[element.name] = values;
  });
  return fields;
}

function restore(form, fields) {
  const seen = {};
  keptElements(form).forEach((element) => {
    const values = fields[element.name];
    if (!values) return;
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = values.includes(element.value);
    } else if (element.type === "select-multiple") {
      Array.from(element.options).forEach((option) => {
        option.selected = values.includes(option.value);
      });
    } else {
      const position = seen[element.name] || 0;
      if (position < values.length) element.value = values[position];
      seen[element.name] = position + 1;
    }
  });
  // GOV.UK Frontend shows or hides conditional questions again on "pageshow".
  window.dispatchEvent(new Event("pageshow"));
}

function draftForms() {
  const found = [];
  document.querySelectorAll("[data-draft-key]").forEach((holder) => {
    const form =
      holder.tagName === "FORM" ? holder : holder.querySelector("form[method=post i]");
    if (form && holder.dataset.draftKey) {
      found.push({
        form,
        key: holder.dataset.draftKey,
        version: holder.dataset.draftVersion || "",
      });
    }
  });
  return found;
}

function showBanner(form, heading, text) {
  const banner = document.createElement("div");
  banner.className = "govuk-notification-banner";
  banner.setAttribute("role", "region");
  banner.setAttribute("aria-labelledby", "app-draft-banner-title");
  banner.dataset.draftBanner = "";

  const header = document.createElement("div");
  header.className = "govuk-notification-banner__header";
  const title = document.createElement("h2");
  title.className = "govuk-notification-banner__title";
  title.id = "app-draft-banner-title";
  title.textContent = "Important";
  header.append(title);

  const content = document.createElement("div");
  content.className = "govuk-notification-banner__content";
  const headingElement = document.createElement("p");
  headingElement.className = "govuk-notification-banner__heading";
  headingElement.textContent = heading;
  const body = document.createElement("p");
  body.className = "govuk-body";
  body.textContent = text;
  content.append(headingElement, body);

  banner.append(header, content);
  const main = document.getElementById("main-content") || form.parentElement;
  main.prepend(banner);
}

function watch({ form, key, version }) {
  let timer = null;

  const save = (submitted) => {
    write(key, {
      version,
      fields: collect(form),
      savedAt: Date.now(),
      submitted,
      interrupted: false,
    });
  };

  const saveSoon = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => save(false), SAVE_DELAY_MS);
  };

  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);
  form.addEventListener("submit", () => {
    window.clearTimeout(timer);
    save(true);
  });
}

function startForm(entry) {
  const { form, key, version } = entry;
  const draft = read(key);

  if (draft && draft.version === version) {
    if (draft.interrupted) {
      restore(form, draft.fields);
      showBanner(
        form,
        "We restored what you typed before you were signed out",
        "Check your answers, then save them. Nothing has been saved yet.",
      );
    }
    write(key, { ...draft, interrupted: false, submitted: false });
  } else if (draft) {
    if (draft.interrupted) {
      showBanner(
        form,
        "What you typed before you were signed out could not be put back",
        "Someone has saved changes to this page since you started, so the page now shows their version. Check it and make your changes again.",
      );
    }
    remove(key);
  }

  watch(entry);
}

function start() {
  if (!storage) return;

  const signedIn = document.body.dataset.signedIn === "true";
  const notSaved = document.querySelector("[data-form-not-saved]") !== null;
  const forms = draftForms();
  const keysHere = new Set(forms.map((entry) => entry.key));

  if (!signedIn || notSaved) {
    markAllInterrupted();
  } else {
    // A form that was sent and is not drawn again was saved: its draft is done.
    storedKeys().forEach((key) => {
      const draft = read(key);
      if (draft && draft.submitted && !keysHere.has(key)) remove(key);
    });
  }

  forms.forEach(startForm);

  document
    .querySelectorAll("form.app-service-navigation__form, form[data-sign-out]")
    .forEach((form) => form.addEventListener("submit", clearAll));
  document.addEventListener("app:signed-out", markAllInterrupted);
  document.addEventListener("app:sign-out", clearAll);
}

start();
