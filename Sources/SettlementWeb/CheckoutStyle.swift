/// The pages' one stylesheet, served as `/checkout.css` (the Content-Security-Policy allows no
/// inline style). Mobile first: one column, 16 px text (no zoom on focus), 48 px touch targets,
/// contrast ≥ 4.5:1.
enum CheckoutStyle {
    static let css = """
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Hiragino Sans","Noto Sans JP","IPAGothic",sans-serif;color:#1a1a1a;background:#f4f5f7}
        header{display:flex;justify-content:space-between;align-items:center;padding:12px 16px;background:#12355b;color:#fff}
        header .brand{font-weight:700;letter-spacing:.02em}
        header a{color:#fff;text-decoration:underline;display:inline-block;min-height:48px;line-height:48px;padding:0 8px}
        main{max-width:480px;margin:0 auto;padding:16px}
        h1{font-size:1.5rem;margin:.5rem 0 1rem}
        h1.approved{color:#0b6b2e}
        h1.not-paid{color:#a4001d}
        h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
        dl.summary{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;background:#fff;padding:12px 16px;border-radius:8px;margin:0 0 12px}
        dl.summary dt{color:#4a4a4a}
        dl.summary dd{margin:0;font-weight:600;overflow-wrap:anywhere}
        dd.total{font-size:1.3rem}
        table.items{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;margin:0 0 12px}
        table.items caption{text-align:left;font-weight:600;padding:4px 0}
        table.items th,table.items td{padding:8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
        table.items td:nth-child(n+2),table.items th:nth-child(n+2){text-align:right;white-space:nowrap}
        small{color:#4a4a4a}
        section{background:#fff;padding:4px 16px 16px;border-radius:8px;margin:0 0 12px}
        label{display:block;margin:12px 0 4px;font-weight:600}
        label.choice{font-weight:400;min-height:48px;display:flex;align-items:center;gap:12px;border:1px solid #ccc;border-radius:8px;padding:0 12px;margin:8px 0}
        label.choice input{width:24px;height:24px}
        input[type=text],input[type=password]{width:100%;min-height:48px;font-size:1.1rem;padding:8px 12px;border:1px solid #6b6b6b;border-radius:8px}
        input:focus,button:focus,a:focus{outline:3px solid #ffbf47;outline-offset:2px}
        .row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
        fieldset{border:0;padding:0;margin:0}
        legend{font-weight:600;margin:8px 0}
        button,a.button{display:block;width:100%;min-height:52px;margin-top:16px;font-size:1.1rem;font-weight:700;border:0;border-radius:8px;background:#12355b;color:#fff;text-align:center;text-decoration:none;line-height:52px;cursor:pointer}
        button.secondary,a.button.secondary{background:#fff;color:#12355b;border:2px solid #12355b}
        .error{background:#fde8ea;color:#7d0016;border-left:4px solid #a4001d;padding:12px;border-radius:4px}
        .progress{background:#e8f0fb;padding:12px;border-radius:4px}
        .qr{background:#fff;padding:8px;text-align:center}
        .qr svg{width:100%;max-width:320px;height:auto}
        .relay-text{font-family:ui-monospace,monospace;font-size:.75rem;word-break:break-all}
        """
}
