// Loaded as <script type="module">, so it only ever runs in browsers that
// GOV.UK Frontend supports: the classes below are what its stylesheet and
// components look for before enhancing a page. They are set here and not in an
// inline script because the Content Security Policy forbids inline scripts.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

initAll();
