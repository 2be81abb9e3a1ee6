// A refusal shown under the field it is about (an element with data-fk-error-for="<the field's id>") goes away as soon
// as that field is changed: it was about the value typed before, not the one being typed now. One listener on the
// document, so it works on first load and after every Blazor enhanced navigation alike.
(function () {
    "use strict";
    document.addEventListener("input", (event) => {
        const field = event.target;
        if (!(field instanceof HTMLElement) || !field.id) return;
        const errors = document.querySelectorAll('[data-fk-error-for="' + CSS.escape(field.id) + '"]');
        if (errors.length === 0) return;
        errors.forEach((el) => { el.hidden = true; });
        field.classList.remove("is-invalid");
    });
})();
