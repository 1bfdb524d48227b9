import Foundation

/// The dashboard at `GET /`: one self-contained page (its style and script inline; no external script,
/// font, style or image of its own), read-only, that renders a `DashboardSnapshot` and refreshes itself
/// from `GET /api/jobs` every 2 seconds. A job downloading into the outbox shows its files done of all
/// and their bytes; a recent result shows the path of its downloaded video.
///
/// Every string from the snapshot reaches the page as text only (`textContent`, `setAttribute` of a
/// checked URL): a file name holding `<script>` shows as those characters. The first snapshot is embedded
/// as JSON with `<`, `>` and `&` escaped, so it can never end its script element.
enum DashboardPage {
    /// The page, with `initial` (when the queue answered) embedded for the first paint.
    static func render(initial: DashboardSnapshot?) -> [UInt8] {
        let json = initial.map { embeddable(SnapshotJSON.encode($0)) } ?? ""
        return Array(template.replacingOccurrences(of: "__INITIAL_SNAPSHOT__", with: json).utf8)
    }

    /// JSON safe inside a `<script>` element: `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026` (still the same
    /// JSON). U+2028 and U+2029 need nothing: JSON.parse reads them.
    static func embeddable(_ json: [UInt8]) -> String {
        var text = ""
        text.reserveCapacity(json.count)
        for scalar in String(decoding: json, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "<": text += #"\u003c"#
            case ">": text += #"\u003e"#
            case "&": text += #"\u0026"#
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    static let template = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>heygen-dropd</title>
        <style>
        :root { color-scheme: light dark; --fg: #1d2330; --muted: #667085; --line: #d0d5dd; --bad: #b42318; --ok: #067647; }
        body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem; color: var(--fg); }
        h1 { font-size: 1.3rem; margin: 0 0 .25rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
        #status { color: var(--muted); font-size: .85rem; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .name { font-family: ui-monospace, monospace; word-break: break-all; }
        progress { width: 14rem; height: .9rem; vertical-align: middle; }
        .bad { color: var(--bad); } .ok { color: var(--ok); } .muted { color: var(--muted); }
        img.thumb { width: 96px; height: 54px; object-fit: cover; background: #8883; border-radius: 3px; }
        .empty { color: var(--muted); font-style: italic; }
        </style>
        </head>
        <body>
        <h1>heygen-dropd</h1>
        <div id="status">loading…</div>
        <h2>Jobs by state</h2>
        <table id="counts"><thead><tr><th>profile</th><th class="num">queued</th><th class="num">waiting for video</th><th class="num">succeeded</th><th class="num">failed</th></tr></thead><tbody></tbody></table>
        <div id="oldest" class="muted"></div>
        <h2>In flight</h2>
        <table id="inflight"><thead><tr><th>job</th><th>file</th><th>stage</th><th>progress</th></tr></thead><tbody></tbody></table>
        <h2>Recent results</h2>
        <table id="results"><thead><tr><th></th><th>job</th><th>file</th><th>video</th><th>downloaded</th><th>finished</th></tr></thead><tbody></tbody></table>
        <h2>Recent errors</h2>
        <table id="errors"><thead><tr><th>job</th><th>file</th><th>error</th><th>finished</th></tr></thead><tbody></tbody></table>
        <script type="application/json" id="initial">__INITIAL_SNAPSHOT__</script>
        <script>
        "use strict";
        const STATES = ["queued", "waiting_video", "succeeded", "failed"];
        function el(tag, cls, text) {
          const e = document.createElement(tag);
          if (cls) e.className = cls;
          if (text !== undefined && text !== null) e.textContent = String(text);
          return e;
        }
        function row(cells) { const tr = el("tr"); for (const c of cells) tr.appendChild(c); return tr; }
        function cell(text, cls) { return el("td", cls, text); }
        function fill(id, rows, columns, emptyText) {
          const body = document.querySelector("#" + id + " tbody");
          body.replaceChildren();
          if (rows.length === 0) { const td = cell(emptyText, "empty"); td.colSpan = columns; body.appendChild(row([td])); return; }
          for (const r of rows) body.appendChild(r);
        }
        function bytes(n) {
          const units = ["B", "KB", "MB", "GB", "TB"]; let i = 0;
          while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
          return (i === 0 ? String(Math.round(n)) : n.toFixed(1)) + " " + units[i];
        }
        function when(iso) { if (!iso) return ""; const d = new Date(iso); return isNaN(d) ? "" : d.toLocaleString(); }
        function webURL(u) { return typeof u === "string" && /^https?:[/][/]/i.test(u) ? u : null; }
        function downloadsText(d) {
          let t = d.files_done + " of " + d.files_total + (d.files_total === 1 ? " file" : " files") + " in the outbox (" + bytes(d.bytes_done) + ")";
          if (d.current) t += ", fetching the " + String(d.current).replace(/_/g, " ");
          if (d.waiting_for_space_since) t += ", waiting for space since " + when(d.waiting_for_space_since);
          return t;
        }
        function progressCell(p, d) {
          const td = el("td");
          if (p) {
            const bar = el("progress", "bar");
            if (p.total > 0) { bar.max = p.total; bar.value = p.done; }
            bar.setAttribute("data-step", String(p.step));
            td.appendChild(bar);
            let label = String(p.step) + " ";
            if (p.unit === "bytes") label += p.total > 0 ? bytes(p.done) + " of " + bytes(p.total) : bytes(p.done);
            else if (p.unit === "files") label += p.done + " of " + p.total + " files";
            else if (p.total > 0) label += Math.round(100 * p.done / p.total) + "%";
            else label += "in progress";
            td.appendChild(el("span", "muted", " " + label));
          }
          if (d) {
            const line = el("div", "muted downloads", downloadsText(d));
            line.setAttribute("data-files-done", String(d.files_done));
            td.appendChild(line);
          }
          if (!p && !d) td.appendChild(el("span", "muted", "—"));
          return td;
        }
        function render(s) {
          const profiles = [...new Set(s.counts.map(c => c.profile))].sort();
          if (profiles.length === 0) profiles.push("default");
          fill("counts", profiles.map(p => {
            const cells = [cell(p, "name")];
            for (const st of STATES) {
              const c = s.counts.find(x => x.profile === p && x.state === st);
              const td = cell(c ? c.count : 0, "num");
              td.setAttribute("data-profile", String(p)); td.setAttribute("data-state", st);
              cells.push(td);
            }
            return row(cells);
          }), 5, "no jobs");
          document.getElementById("oldest").textContent = typeof s.oldest_queued_age_seconds === "number"
            ? "oldest queued job has waited " + Math.round(s.oldest_queued_age_seconds) + " s" : "";
          fill("inflight", s.in_flight.map(j => row([
            cell("#" + j.id, "num"), cell(j.name, "name"), cell(j.stage || j.state), progressCell(j.progress, j.downloads)])),
            4, "nothing in flight");
          fill("results", s.results.map(r => {
            const thumb = el("td"); const src = webURL(r.thumbnail_url);
            if (src) { const img = el("img", "thumb"); img.alt = ""; img.setAttribute("src", src); thumb.appendChild(img); }
            const dl = el("td", "name");
            if (r.downloaded_path) {
              const a = el("a", null, r.downloaded_path);
              a.setAttribute("href", "file://" + encodeURI(String(r.downloaded_path)));
              dl.appendChild(a);
            }
            return row([thumb, cell("#" + r.id, "num"), cell(r.name, "name"), cell(r.video_id || "", "name"), dl, cell(when(r.finished_at))]);
          }), 6, "no results yet");
          fill("errors", s.errors.map(e => row([
            cell("#" + e.id, "num"), cell(e.name, "name"), cell(e.message, "bad"), cell(when(e.finished_at))])),
            4, "no errors");
        }
        async function refresh() {
          const status = document.getElementById("status");
          try {
            const answer = await fetch("/api/jobs", { cache: "no-store" });
            if (!answer.ok) throw new Error("HTTP " + answer.status + ": " + (await answer.text()));
            render(await answer.json());
            status.textContent = "updated " + new Date().toLocaleTimeString() + " · refreshes every 2 s";
            status.className = "";
          } catch (e) {
            status.textContent = "the daemon is not answering: " + e.message;
            status.className = "bad";
          }
        }
        const initial = document.getElementById("initial").textContent;
        if (initial) { try { render(JSON.parse(initial)); document.getElementById("status").textContent = "loaded"; } catch (e) {} }
        setInterval(refresh, 2000);
        refresh();
        </script>
        </body>
        </html>
        """#
}
