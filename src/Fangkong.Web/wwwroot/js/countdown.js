// Deadline countdowns (verification queue and task pages) tick in the browser without a round trip. Server-rendered
// pages mark each clock with data-due (ISO UTC) and data-stage; #countdown-texts carries the localized formats and
// the server's clock, so a phone whose clock is wrong still counts against the server's time. Runs on first load and
// after every Blazor enhanced navigation (inline scripts are not run then).
(function () {
    "use strict";
    const fmt = (ms, texts) => {
        // Whole minutes: time left rounded down, time overdue rounded up (never zero), as VerificationClock.HoursAndMinutes;
        // in words with the page's formats ("1 小时 5 分钟", "59 分钟").
        const minutes = ms < 0 ? Math.ceil(-ms / 60000) : Math.floor(ms / 60000);
        const hours = Math.floor(minutes / 60);
        return hours > 0
            ? texts.dataset.hm.replace("{0}", hours).replace("{1}", minutes % 60)
            : texts.dataset.m.replace("{0}", minutes);
    };
    const tick = () => {
        const texts = document.getElementById("countdown-texts");
        if (!texts) return;
        if (!texts.dataset.skew) texts.dataset.skew = String(Date.now() - Number(texts.dataset.now));
        const skew = Number(texts.dataset.skew);
        document.querySelectorAll(".fk-countdown[data-due]").forEach((el) => {
            const left = new Date(el.dataset.due).getTime() - (Date.now() - skew);
            // A clock may carry its own phrase ("距处置时限还剩 {0}"); else the page's ("剩余 {0}").
            const phrase = left < 0 ? (el.dataset.over || texts.dataset.over) : (el.dataset.left || texts.dataset.left);
            const text = phrase.replace("{0}", fmt(left, texts));
            el.textContent = el.dataset.stage ? el.dataset.stage + " · " + text : text;
            el.classList.toggle("text-danger", left < 0);
            el.classList.toggle("text-muted", left >= 0);
            const card = el.closest(".fk-task");
            if (card) card.classList.toggle("fk-task-overdue", left < 0);
        });
    };
    window.fkCountdownTick = tick;
    const start = () => {
        tick();
        if (window.Blazor && window.Blazor.addEventListener) window.Blazor.addEventListener("enhancedload", tick);
        setInterval(tick, 15000);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
