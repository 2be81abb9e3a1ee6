// A verification task's close button (and the help text under the reason) says what closing will do with the control plan picked in the form ("结案并开具
// 「集中隔离医学观察 7 天 → …」措施", "结案（无需管控）"), and follows the choice as it changes. The page is static
// server rendering for weak phones: each option carries its label (data-close-label), the select names its button
// (data-close-button), and the button keeps its plain label (data-default-label) for no choice — and for a phone
// without this script. One listener on the document, so it works on first load and after every enhanced navigation.
(function () {
    "use strict";
    const follow = (select) => {
        const button = document.getElementById(select.dataset.closeButton);
        if (!button) return;
        const option = select.selectedOptions[0];
        const label = (option && option.dataset.closeLabel) || button.dataset.defaultLabel;
        if (label && button.textContent !== label) button.textContent = label;
        // The measures the choice orders, as help text under the select (the option itself is the reason alone).
        const help = select.dataset.closePlan && document.getElementById(select.dataset.closePlan);
        if (help) {
            const text = (option && option.dataset.plan) || help.dataset.defaultText;
            if (text && help.textContent !== text) help.textContent = text;
        }
    };
    const all = () => document.querySelectorAll("select[data-close-button]").forEach(follow);
    document.addEventListener("change", (event) => {
        if (event.target instanceof HTMLSelectElement && event.target.dataset.closeButton) follow(event.target);
    });
    // A choice the browser restored (back, reload) is shown too.
    const start = () => {
        all();
        if (window.Blazor && window.Blazor.addEventListener) window.Blazor.addEventListener("enhancedload", all);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
