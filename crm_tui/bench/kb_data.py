"""The knowledge-base part of the bench database (issue 5): a subject tree of
40 subjects, 20k article versions (about a tenth in Persian) in every
lifecycle state, ratings, and links to resolved cases with their helped
counts, plus the kb_fts index.

Articles are written from a vocabulary of support topics: a title names a
thing and a symptom or task, the body (200-600 words) is Markdown built
from sentence templates filled with the subject's words, so the common
words are in nearly every article, a subject's words in its share of them,
and error codes in a handful. Most numbers have one version; some have two
or three (1.1 or 2.0 after 1.0), of which at most one is published: an
in-progress version keeps the one before it published, older ones are
archived. The agent the bench signs in as (service_data.SERVICE_LOGIN) owns
a few drafts among other articles.

Rows are bulk-inserted with raw SQL, filled as crm_tui.services.knowledge.kb fills
them (title_sort from text.sort_key, numbers as numbers.format_number
formats them with the `sequence` counter set past them, helped_count the
number of linked cases, rating_total/count the sums of the kb_rating rows).
The index gets exactly kb._documents' strings: normalize() of ASCII text
(printable characters and newlines) is its lower-casing, which a sample
checks against text.normalize; Persian text goes through text.normalize;
and every 199th article is compared with kb._documents itself.

Simplifications (none touches the measured queries): no audit trail for
the articles, no note on the case timeline for a link, and no scheduled
publication or expiry falls due (publish_on and expires_on are more than a
year ahead), so searching never writes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from crm_tui import text
from crm_tui.models.base import to_db_time

# The article rows of the full database (the budgets' 20k KB articles).
SUBJECTS: dict[str, dict[str, dict]] = {
    "Login and access": {
        "Passwords": {"things": ["your password", "the password reset link", "a temporary password"],
                      "keywords": "password reset login expired forgot",
                      "cases": ("Password reset", "Cannot log in")},
        "Two-factor authentication": {"things": ["two-factor authentication", "the authenticator app", "the verification code"],
                                      "keywords": "2fa mfa otp authenticator code",
                                      "cases": ("Cannot log in",)},
        "Single sign-on": {"things": ["single sign-on", "the SAML login", "the identity provider"],
                           "keywords": "sso saml azure okta login",
                           "cases": ("Cannot log in",)},
        "Account lockout": {"things": ["a locked account", "the login page", "the account"],
                            "keywords": "locked lockout attempts unlock login",
                            "cases": ("Cannot log in", "the portal")},
    },
    "Billing": {
        "Invoices": {"things": ["the monthly invoice", "an invoice PDF", "the billing address"],
                     "keywords": "invoice billing pdf address vat",
                     "cases": ("Invoice question", "the monthly invoice")},
        "Refunds": {"things": ["a refund", "a credit note", "a duplicate payment"],
                    "keywords": "refund credit money back chargeback",
                    "cases": ("Refund for", "Wrong charge")},
        "Payment methods": {"things": ["the credit card", "a direct debit", "the payment method"],
                            "keywords": "payment card debit bank declined",
                            "cases": ("Wrong charge",)},
        "Tax": {"things": ["the VAT number", "sales tax", "a tax exemption"],
                "keywords": "tax vat exemption certificate",
                "cases": ("Invoice question",)},
    },
    "Printing and scanning": {
        "Printers": {"things": ["the printer", "the office printer", "a network printer"],
                     "keywords": "printer print queue offline spooler",
                     "cases": ("the printer",)},
        "Scanners": {"things": ["the scanner", "scan to email", "the document feeder"],
                     "keywords": "scanner scan feeder pdf",
                     "cases": ("the scanner",)},
        "Paper and toner": {"things": ["a paper jam", "the toner cartridge", "the paper tray"],
                            "keywords": "paper jam toner tray cartridge",
                            "cases": ("the printer",)},
        "Drivers": {"things": ["the printer driver", "the scanner driver", "the driver package"],
                    "keywords": "driver install update windows",
                    "cases": ("the printer", "the scanner")},
    },
    "Network": {
        "VPN": {"things": ["the VPN", "the VPN client", "the VPN tunnel"],
                "keywords": "vpn tunnel remote client disconnect",
                "cases": ("the VPN",)},
        "Wi-Fi": {"things": ["the Wi-Fi", "the wireless network", "the guest network"],
                  "keywords": "wifi wireless signal ssid",
                  "cases": ("the router",)},
        "Firewall": {"things": ["the firewall", "a firewall rule", "the blocked port"],
                     "keywords": "firewall port rule blocked",
                     "cases": ("the firewall",)},
        "Routers": {"things": ["the router", "the modem", "the network switch"],
                    "keywords": "router modem switch dhcp",
                    "cases": ("the router", "Outage")},
    },
    "Email and calendar": {
        "Email sync": {"things": ["email sync", "the mail client", "the inbox"],
                       "keywords": "email sync imap exchange outlook",
                       "cases": ("email sync",)},
        "Mailboxes": {"things": ["the shared mailbox", "the mailbox quota", "an alias"],
                      "keywords": "mailbox quota shared alias",
                      "cases": ("email sync",)},
        "Calendar": {"things": ["the calendar", "a meeting invitation", "the room booking"],
                     "keywords": "calendar meeting invitation",
                     "cases": ("email sync",)},
        "Spam": {"things": ["the spam filter", "a phishing email", "the junk folder"],
                 "keywords": "spam phishing junk filter",
                 "cases": ("email sync",)},
    },
    "Mobile app": {
        "Android": {"things": ["the Android app", "the app on Android", "an Android phone"],
                    "keywords": "android app phone play store",
                    "cases": ("the mobile app",)},
        "iOS": {"things": ["the iPhone app", "the app on iOS", "an iPad"],
                "keywords": "ios iphone ipad app store",
                "cases": ("the mobile app",)},
        "Notifications": {"things": ["push notifications", "the notification settings", "an alert"],
                          "keywords": "notifications push alerts",
                          "cases": ("the mobile app",)},
        "Offline mode": {"things": ["offline mode", "the local cache", "the sync queue"],
                         "keywords": "offline cache sync",
                         "cases": ("the mobile app", "the handheld terminal")},
    },
    "Portal and API": {
        "Dashboard": {"things": ["the dashboard", "a dashboard widget", "the start page"],
                      "keywords": "dashboard widget portal",
                      "cases": ("the dashboard", "the portal")},
        "Reports": {"things": ["the sales report", "a scheduled report", "the report export"],
                    "keywords": "report export csv excel schedule",
                    "cases": ("the reports", "Data export")},
        "API keys": {"things": ["the API key", "an access token", "the API rate limit"],
                     "keywords": "api key token rate limit",
                     "cases": ("the API",)},
        "Integrations": {"things": ["the webhook", "the integration", "the data import"],
                         "keywords": "webhook integration import connector",
                         "cases": ("the API", "Data export")},
    },
    "Orders and delivery": {
        "Shipping": {"things": ["the delivery", "the tracking number", "a late shipment"],
                     "keywords": "shipping delivery tracking courier",
                     "cases": ("Missing delivery",)},
        "Returns": {"things": ["a return", "the return label", "a damaged item"],
                    "keywords": "return label rma damaged",
                    "cases": ("Refund for", "Broken")},
        "Warranty": {"things": ["the warranty", "a warranty claim", "a replacement device"],
                     "keywords": "warranty claim replacement repair",
                     "cases": ("Warranty claim", "Broken")},
        "Licenses": {"things": ["the license", "a license key", "the subscription"],
                     "keywords": "license key subscription renewal seats",
                     "cases": ("the license", "Upgrade of")},
    },
}  # fmt: skip

SYMPTOMS = [
    "shows an error", "does not respond", "is offline", "is very slow", "stops working",
    "keeps disconnecting", "shows the wrong data", "fails after the update", "cannot be found",
    "asks for the password again", "times out", "crashes on start",
]  # fmt: skip
TASKS = [
    "set up", "configure", "reset", "update", "remove", "move", "renew", "check",
    "export", "change",
]  # fmt: skip
PLATFORMS = ["Windows 11", "Windows 10", "macOS", "Linux", "Android", "iOS", "the web portal"]
TITLE_TEMPLATES = [
    "How to {task} {thing}", "{Thing} {symptom}", "{Thing} {symptom} on {platform}",
    "Cannot use {thing} after a password change", "Troubleshooting {thing}",
    "What to do when {thing} {symptom}", "FAQ: {thing}", "{Thing}: error {code}",
    "How to {task} {thing} on {platform}", "Why {thing} {symptom}",
]  # fmt: skip
SENTENCES = [
    "This article explains what to do when {thing} {symptom}.",
    "It applies to {platform} and to the web portal.",
    "Customers usually notice the problem after an update or a password change.",
    "Before you start, make sure that you are signed in as an administrator.",
    "Open Settings and select {menu}.",
    "Check that {thing} is enabled for the user and that the license is active.",
    "If the problem continues, restart the device and try again.",
    "Clear the browser cache and the cookies, then sign in again.",
    "The error message usually reads: error {code}.",
    "Ask the customer for a screenshot of the error and the time it happened.",
    "Write down the version number shown under Help, About.",
    "In most cases the cause is an expired session or an old version of the app.",
    "A network problem can look the same: check the connection first.",
    "If several customers report it at once, check the status page for an outage.",
    "Do not delete the account: the history and the invoices would be lost.",
    "The change takes effect within fifteen minutes.",
    "Select Save and close the window.",
    "To {task} {thing}, go to {menu} and follow the steps in the wizard.",
    "When the wizard asks for the server address, enter the address from the welcome email.",
    "If {thing} still {symptom}, collect the log files and escalate the case to Tier 2.",
    "The log files are in the Logs folder of the installation directory.",
    "Attach the log files to the case and note the steps you already tried.",
    "Updates are released every month; the release notes list the known issues.",
    "Older versions are no longer supported and should be upgraded.",
    "Our support team can help over the phone during business hours.",
    "See also the related articles in the {subject} section.",
    "Customers on the free plan cannot {task} {thing}.",
    "An administrator can {task} {thing} for every user at once.",
    "If you use {platform}, the menu is called {menu} instead.",
    "The setting is saved per user and per device.",
]  # fmt: skip
MENUS = [
    "Account settings", "Security", "Devices", "Billing settings", "Connections",
    "Advanced options", "Notifications", "Users and roles", "Integrations",
]  # fmt: skip

# Persian articles: (subject path, title, keywords, case title words).
PERSIAN_TOPICS = [
    ("Login and access / Passwords", "بازنشانی رمز عبور", "رمز عبور ورود", "ورود"),
    ("Login and access / Account lockout", "قفل شدن حساب کاربری", "حساب قفل ورود", "ورود"),
    ("Billing / Invoices", "دریافت فاکتور ماهانه", "فاکتور صورتحساب", "فاکتور"),
    ("Billing / Refunds", "درخواست بازپرداخت وجه", "بازپرداخت وجه", "بازپرداخت"),
    ("Printing and scanning / Printers", "خطای چاپگر هنگام چاپ", "چاپگر چاپ خطا", "چاپگر"),
    ("Printing and scanning / Paper and toner", "گیر کردن کاغذ در چاپگر", "کاغذ چاپگر تونر",
     "چاپگر"),
    ("Network / Routers", "راه‌اندازی شبکه و مودم", "شبکه مودم اینترنت", "شبکه"),
    ("Network / VPN", "قطع شدن اتصال وی‌پی‌ان", "اتصال شبکه", "شبکه"),
    ("Portal and API / Dashboard", "کندی سرور و داشبورد", "سرور کندی داشبورد", "سرور"),
    ("Orders and delivery / Shipping", "پیگیری ارسال سفارش", "ارسال سفارش پیگیری", "سفارش"),
    ("Orders and delivery / Warranty", "تمدید گارانتی دستگاه", "گارانتی تمدید", "گارانتی"),
]  # fmt: skip
PERSIAN_SENTENCES = [
    "این مقاله توضیح می‌دهد که هنگام بروز مشکل در {topic} چه باید کرد.",
    "ابتدا مطمئن شوید که با حساب مدیر وارد سامانه شده‌اید.",
    "تنظیمات را باز کنید و گزینه امنیت را انتخاب کنید.",
    "اگر مشکل ادامه داشت، دستگاه را دوباره راه‌اندازی کنید.",
    "حافظه پنهان مرورگر را پاک کنید و دوباره وارد شوید.",
    "پیام خطا معمولاً شامل کد {code} است.",
    "از مشتری بخواهید تصویری از پیام خطا ارسال کند.",
    "در بیشتر موارد علت مشکل نسخه قدیمی برنامه است.",
    "اگر چند مشتری همزمان گزارش دادند، وضعیت سرور را بررسی کنید.",
    "پرونده‌های گزارش را به درخواست پیوست کنید و به پشتیبانی سطح دو ارجاع دهید.",
    "تغییرات ظرف پانزده دقیقه اعمال می‌شود.",
    "تیم پشتیبانی در ساعات کاری از طریق تلفن پاسخگو است.",
    "برای {topic} به بخش تنظیمات حساب بروید و مراحل را دنبال کنید.",
    "نسخه‌های قدیمی دیگر پشتیبانی نمی‌شوند و باید به‌روزرسانی شوند.",
]  # fmt: skip

# A word that a few articles contain: the "rare word" the bench searches for.
RARE_CODES = 3000
DAY = dt.timedelta(days=1)

ARTICLE_COLUMNS = (
    "id, version, created_at, created_by_id, modified_at, modified_by_id, owner_id, state, "
    "number, major, minor, title, title_sort, body, keywords, subject_id, language, "
    "reviewer_id, review_comment, publish_on, expires_on, published_at, view_count, "
    "rating_total, rating_count, helped_count"
)
# How many drafts the bench agent owns.
AGENT_DRAFTS = 5


def default_articles(accounts: int) -> int:
    """20k article versions with 100k accounts."""
    return max(40, accounts // 5)


def rare_codes(seed: int) -> list[str]:
    rnd = random.Random(seed)
    return [f"0x{rnd.randrange(16**8):08x}" for _ in range(RARE_CODES)]


def _fast_normalize(value: str) -> str:
    """text.normalize for generated ASCII text (printable characters and
    newlines: clean keeps them, NFKC and the folding leave them, casefold is
    lower); anything else through text.normalize."""
    if value.isascii() and value.replace("\n", "").isprintable():
        return value.lower().strip()
    return text.normalize(value)


def load(
    conn,
    *,
    articles: int,
    now: dt.datetime,
    seed: int,
    log: Callable[[str], None],
    service_login: str = "bench04",
) -> dict[str, int]:
    """Write the knowledge base (in its own transaction) into a database
    that has users with roles and cases. Returns row counts per table."""
    rnd = random.Random(seed)
    rand = rnd.random

    def choice(seq):
        return seq[int(rand() * len(seq))]

    users = conn.execute("SELECT id, login, role FROM user ORDER BY id").fetchall()
    agents = [uid for uid, _, role in users if role == "agent"] or [users[0][0]]
    managers = [uid for uid, _, role in users if role == "manager"] or [users[0][0]]
    me = next((uid for uid, login, _ in users if login == service_login), agents[0])
    user_ids = [uid for uid, _, _ in users]
    codes = rare_codes(seed)

    # Subjects: 8 top-level, 32 below them.
    subject_rows, subject_ids, subject_words = [], {}, {}
    for top, children in SUBJECTS.items():
        subject_rows.append((len(subject_rows) + 1, None, top, top))
        top_id = subject_ids[top] = len(subject_rows)
        for child, words in children.items():
            path = f"{top} / {child}"
            subject_rows.append((len(subject_rows) + 1, top_id, child, path))
            subject_ids[path] = len(subject_rows)
            subject_words[path] = words
    leaf_paths = list(subject_words)

    # Resolved cases to link, grouped by title (a few hundred distinct ones).
    by_title: dict[str, list[tuple[int, str, int]]] = {}
    for case_id, title, resolved_at, owner in conn.execute(
        "SELECT id, title, resolved_at, owner_id FROM \"case\" WHERE state = 'resolved'"
    ):
        by_title.setdefault(title, []).append((case_id, resolved_at, owner))
    titles = list(by_title)

    def case_pool(words: tuple[str, ...]) -> list[str]:
        return [t for t in titles if any(w.lower() in t.lower() for w in words)] or titles

    pools = {path: case_pool(w["cases"]) for path, w in subject_words.items()}
    persian_pools = {topic[0] + topic[1]: case_pool((topic[3],)) for topic in PERSIAN_TOPICS}

    span_days = 3 * 365

    def when(days_ago: float) -> dt.datetime:
        return now - dt.timedelta(days=days_ago, seconds=int(rand() * 86_400))

    def english(path: str) -> tuple[str, str, str]:
        words = subject_words[path]
        thing = choice(words["things"])
        fill = {
            "thing": thing, "Thing": thing[0].upper() + thing[1:], "symptom": choice(SYMPTOMS),
            "task": choice(TASKS), "platform": choice(PLATFORMS), "menu": choice(MENUS),
            "code": choice(codes), "subject": path.split(" / ")[-1],
        }  # fmt: skip
        title = choice(TITLE_TEMPLATES).format(**fill)
        target = 200 + int(rand() * 401)
        parts, count = [], 0
        sections = ["## Symptoms", "## Cause", "## Resolution", "## More information"]
        section = 0
        parts.append(f"# {title}\n")
        while count < target:
            if section < len(sections) and count >= target * section / len(sections):
                parts.append(f"\n{sections[section]}\n")
                section += 1
            fill["symptom"], fill["task"] = choice(SYMPTOMS), choice(TASKS)
            fill["menu"], fill["platform"] = choice(MENUS), choice(PLATFORMS)
            fill["thing"] = choice(words["things"])
            if rand() < 0.05:
                fill["code"] = choice(codes)
            sentence = choice(SENTENCES).format(**fill)
            if sections[section - 1] == "## Resolution" and rand() < 0.5:
                sentence = f"1. {sentence}"
            parts.append(sentence)
            count += len(sentence.split())
        keywords = " ".join(rnd.sample(words["keywords"].split(), 3))
        return title, "\n".join(parts), keywords

    def persian() -> tuple[str, str, str, str]:
        path, title, keywords, _ = choice(PERSIAN_TOPICS)
        target = 200 + int(rand() * 401)
        parts, count = [f"# {title}\n"], 0
        while count < target:
            sentence = choice(PERSIAN_SENTENCES).format(topic=title, code=choice(codes))
            parts.append(sentence)
            count += len(sentence.split())
        return path, title, "\n".join(parts), keywords

    def stamp(moment: dt.datetime) -> str:
        return to_db_time(moment)

    # Articles: numbers with their versions, until `articles` rows.
    rows: list[tuple] = []
    documents: dict[int, list] = {}
    link_rows: list[tuple] = []
    rating_rows: list[tuple] = []
    sort_keys: dict[str, str] = {}
    number = 0
    agent_drafts = set(rnd.sample(range(1, max(2, articles // 2)), AGENT_DRAFTS))
    far = now.date() + dt.timedelta(days=400)
    while len(rows) < articles:
        number += 1
        r = rand()
        versions = 1 if r < 0.85 else (2 if r < 0.96 else 3)
        versions = min(versions, articles - len(rows))
        r = rand()
        final = (
            "published" if r < 0.82 else "draft" if r < 0.87 else "in_review" if r < 0.90
            else "approved" if r < 0.92 else "archived" if r < 0.98 else "expired"
        )  # fmt: skip
        owner = choice(agents) if rand() < 0.85 else choice(managers)
        if number in agent_drafts:
            versions, final, owner = 1, "draft", me
        elif rand() < 0.03:
            owner = me
        fa = rand() < 0.1
        if fa:
            path, title, body, keywords = persian()
            language = "fa"
        else:
            path = choice(leaf_paths)
            title, body, keywords = english(path)
            language = "en"
        subject_id = subject_ids[path]
        # the states of the versions, oldest first
        if versions == 1:
            states = [final]
        elif final in ("draft", "in_review", "approved"):
            states = ["archived"] * (versions - 2) + ["published", final]
        else:
            states = ["archived"] * (versions - 1) + [final]
        major, minor = 1, 0
        created = when(rand() * span_days)
        number_text = f"KA-{number:05d}"
        for k, state in enumerate(states):
            if k:
                if rand() < 0.3:
                    major, minor = major + 1, 0
                else:
                    minor += 1
                body += f"\nUpdate {major}.{minor}: " + (
                    "the steps were checked against the latest release."
                    if language == "en"
                    else "مراحل با آخرین نسخه بررسی شد."
                )
                created = min(now - DAY, created + dt.timedelta(days=1 + rand() * 120))
            article_id = len(rows) + 1
            row_version = {"draft": 1, "in_review": 2, "approved": 3, "published": 4,
                           "archived": 5, "expired": 5}[state]  # fmt: skip
            reviewer = choice(managers) if row_version > 1 else None
            if state == "in_review" and owner != me and rand() < 0.1:
                reviewer = me  # the bench agent reviews a few
            modified = min(now - dt.timedelta(hours=1), created + dt.timedelta(days=rand() * 30))
            was_published = state in ("published", "archived", "expired")
            published_at = stamp(modified) if was_published else None
            publish_on = (far + dt.timedelta(days=int(rand() * 300))).isoformat() if (
                state == "approved" and rand() < 0.5) else None  # fmt: skip
            expires_on = (far + dt.timedelta(days=int(rand() * 700))).isoformat() if (
                state == "published" and rand() < 0.1) else None  # fmt: skip
            if state == "expired":  # expire_due turned it at its date
                expires_on = modified.date().isoformat()
            views = int(rnd.paretovariate(1.1) * 5) if was_published else int(rand() * 3)
            helped = 0
            total = count = 0
            cases_text: list[str] = []
            if state == "published":
                if rand() < 0.35:
                    pool = persian_pools[path + title] if fa else pools[path]
                    helped = min(60, int(rnd.paretovariate(1.2)))
                    picked: set[int] = set()
                    for _ in range(helped):
                        case_title = choice(pool)
                        case_id, resolved_at, case_owner = choice(by_title[case_title])
                        if case_id in picked:
                            continue
                        picked.add(case_id)
                        link_rows.append(
                            (len(link_rows) + 1, article_id, case_id, resolved_at or stamp(now),
                             case_owner)
                        )  # fmt: skip
                        cases_text.append(case_title)
                    helped = len(picked)
                if rand() < 0.3:
                    raters = rnd.sample(user_ids, min(len(user_ids), 1 + int(rand() * 8)))
                    for uid in raters:
                        stars = choice((5, 5, 5, 4, 4, 3, 2, 1))
                        rating_rows.append((len(rating_rows) + 1, article_id, uid, stars,
                                            stamp(modified)))  # fmt: skip
                        total += stars
                    count = len(raters)
            key = sort_keys.get(title)
            if key is None:
                key = sort_keys[title] = text.sort_key(title)
            rows.append(
                (article_id, row_version, stamp(created), owner, stamp(modified),
                 reviewer if row_version > 1 and reviewer else owner, owner, state,
                 number_text, major, minor, title, key, body, keywords, subject_id, language,
                 reviewer, "", publish_on, expires_on, published_at, views, total, count, helped)
            )  # fmt: skip
            # kb._documents: the newest 50 links first
            documents[article_id] = [
                _fast_normalize(f"{title} {number_text}"),
                _fast_normalize(f"{keywords} {path}"),
                _fast_normalize(" ".join(reversed(cases_text[-50:]))),
                _fast_normalize(body),
            ]

    conn.execute("BEGIN")
    try:
        conn.executemany(
            "INSERT INTO subject (id, parent_id, name, path) VALUES (?, ?, ?, ?)", subject_rows
        )
        marks = ", ".join("?" * len(ARTICLE_COLUMNS.split(",")))
        conn.executemany(f"INSERT INTO kb_article ({ARTICLE_COLUMNS}) VALUES ({marks})", rows)
        conn.executemany(
            "INSERT INTO kb_article_case (id, article_id, case_id, linked_at, linked_by_id) "
            "VALUES (?, ?, ?, ?, ?)",
            link_rows,
        )
        conn.executemany(
            "INSERT INTO kb_rating (id, article_id, user_id, stars, rated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            rating_rows,
        )
        conn.executemany(
            "INSERT INTO kb_fts (rowid, title, keywords, cases, body) VALUES (?, ?, ?, ?, ?)",
            ((article_id, *docs) for article_id, docs in documents.items()),
        )
        conn.execute(
            "INSERT INTO sequence (name, next) VALUES ('article', ?) "
            "ON CONFLICT (name) DO UPDATE SET next = excluded.next",
            (number + 1,),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    checked = check_documents(documents, every=max(1, len(documents) // 100))
    out = {
        "subject": len(subject_rows),
        "kb_article": len(rows),
        "numbers": number,
        "persian": sum(1 for row in rows if row[16] == "fa"),
        "kb_article_case": len(link_rows),
        "kb_rating": len(rating_rows),
    }
    log(
        f"bench:   knowledge base: {out['kb_article']:,} article versions of {number:,} "
        f"articles, {out['kb_article_case']:,} case links, {out['kb_rating']:,} ratings "
        f"({checked} index documents sampled against kb._documents)"
    )
    return out


def check_documents(documents: dict[int, list[str]], every: int = 100) -> int:
    """Compare the indexed strings of every `every`-th article (and of some
    Persian and linked ones) with kb._documents on the open database; raise
    on a difference. Returns how many were checked."""
    from crm_tui.db import database
    from crm_tui.services.knowledge import kb

    ids = [
        r[0]
        for r in database.execute_sql(
            "SELECT id FROM kb_article WHERE id % ? = 1 OR (language = 'fa' AND id % 29 = 1) "
            "OR (helped_count > 0 AND id % 13 = 1)",
            (every,),
        )
    ]
    for article_id in ids:
        expected = kb._documents(article_id)
        if tuple(documents[article_id]) != expected:
            raise AssertionError(
                f"kb_fts document of article #{article_id}: {documents[article_id]!r} "
                f"!= kb._documents {expected!r}"
            )
    return len(ids)
