// The bell in the top bar, live: the unread count and a toast for each new notification, pushed
// over `/ws/notifications/` (docs/websocket.md). No polling: the server says when the count
// changes. Loaded on every page of a signed-in person; no inline handlers (the CSP forbids them).
(() => {
  // Looked up each time: an htmx answer may redraw the bell (out of band) with its count.
  const $bell = () => document.getElementById("bell");
  if (!$bell() || !("WebSocket" in window)) return;
  const CLOSE_UNAUTHENTICATED = 4401;
  const TOAST_SECONDS = 8;
  const MAX_TOASTS = 3;
  let socket = null;
  let retry = 0;
  let timer = null;

  // --- The count ---------------------------------------------------------------------------------
  function setUnread(n) {
    const bell = $bell();
    const count = document.getElementById("bell-count");
    if (!bell || !count) return;
    const unread = Math.max(0, Number(n) || 0);
    count.textContent = unread ? (unread > 99 ? "99+" : String(unread)) : "";
    count.hidden = unread === 0;
    bell.setAttribute(
      "aria-label",
      unread ? bell.dataset.labelUnread.replace("{n}", String(unread)) : bell.dataset.label,
    );
    bell.dataset.unread = String(unread);
  }

  // --- Toasts ------------------------------------------------------------------------------------
  function toastArea() {
    let area = document.getElementById("toasts");
    if (!area) {
      area = document.createElement("div");
      area.id = "toasts";
      area.className = "toasts";
      area.setAttribute("role", "status");
      area.setAttribute("aria-live", "polite");
      document.body.append(area);
    }
    return area;
  }

  // Only a path of this site is linked (never another scheme such as javascript:).
  const safePath = (url) => typeof url === "string" && url.startsWith("/") && !url.startsWith("//");

  function showToast(notification) {
    const area = toastArea();
    const toast = document.createElement("div");
    toast.className = "toast";
    toast.dataset.notification = String(notification.id);
    const text = document.createElement("div");
    text.className = "toast-text";
    const title = document.createElement(safePath(notification.url) ? "a" : "strong");
    title.className = "toast-title";
    title.textContent = notification.title || "";
    if (safePath(notification.url)) title.href = notification.url;
    text.append(title);
    if (notification.body) {
      const body = document.createElement("p");
      body.className = "toast-body";
      body.textContent = notification.body;
      text.append(body);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", $bell()?.dataset.textClose || "Close");
    close.textContent = "×";
    toast.append(text, close);

    let hideTimer = null;
    const remove = () => {
      clearTimeout(hideTimer);
      toast.remove();
    };
    const schedule = () => {
      clearTimeout(hideTimer);
      hideTimer = setTimeout(remove, TOAST_SECONDS * 1000);
    };
    close.addEventListener("click", remove);
    // Kept while the pointer or the keyboard is on it, so it can be read and followed.
    toast.addEventListener("mouseenter", () => clearTimeout(hideTimer));
    toast.addEventListener("mouseleave", schedule);
    toast.addEventListener("focusin", () => clearTimeout(hideTimer));
    toast.addEventListener("focusout", schedule);
    area.append(toast);
    while (area.children.length > MAX_TOASTS) area.firstElementChild.remove();
    schedule();
  }

  // --- The socket --------------------------------------------------------------------------------
  function handle(frame) {
    if (frame.type === "unread") {
      setUnread(frame.unread);
    } else if (frame.type === "notification") {
      setUnread(frame.unread);
      if (frame.notification) showToast(frame.notification);
      document.dispatchEvent(new CustomEvent("notification:new", { detail: frame.notification }));
    }
  }

  function setConnection(state) {
    const bell = $bell();
    if (bell) bell.dataset.connection = state;
  }

  function connect() {
    timer = null;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/notifications/`);
    socket.addEventListener("open", () => {
      retry = 0;
      setConnection("live");
    });
    socket.addEventListener("message", (event) => {
      let frame = null;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame && typeof frame === "object") handle(frame);
    });
    socket.addEventListener("close", (event) => {
      socket = null;
      if (event.code === CLOSE_UNAUTHENTICATED) {
        setConnection("refused"); // logged out elsewhere: the next page asks again
        return;
      }
      setConnection("reconnecting");
      // Backoff: 1 s, 2 s, 4 s ... up to a minute, with jitter so that many pages after a
      // server restart do not come back all at once.
      const delay = Math.min(60000, 1000 * 2 ** retry) * (0.75 + Math.random() * 0.5);
      retry = Math.min(retry + 1, 10);
      timer = setTimeout(connect, delay);
    });
  }

  // A page restored from the back/forward cache had its socket closed: open it again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && !socket && !timer) connect();
  });

  connect();
})();
