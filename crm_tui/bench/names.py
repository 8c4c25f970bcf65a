"""Word pools for the generated database: people, companies, places, subjects.

Latin and Persian names are mixed so that prefix filters see realistic
selectivity ("m" matches a lot, "maria" a little) and Persian folding is
exercised: a few Persian names are spelled with the Arabic yeh/kaf that
people type on an Arabic keyboard, and some compounds carry a ZWNJ.
"""

from __future__ import annotations

FIRST_NAMES = """
Aaron Abigail Adam Adrian Agnes Aidan Alan Albert Alejandro Alex Alexander Alexandra Alice
Alicia Amanda Amelia Amy Ana Andrea Andrew Angela Anna Anne Anthony Antonio Arthur Ashley
Barbara Beatriz Ben Benjamin Bernard Beth Brian Bruno Carla Carlos Carmen Caroline Catherine
Charles Charlotte Chloe Christian Christina Christopher Claire Clara Daniel Daniela David Deborah
Diana Diego Dominic Dorothy Edward Elena Elias Elizabeth Ella Emily Emma Eric Erik Eva Felix
Fernando Fiona Francesca Francis Frank Gabriel Gabriela George Grace Hannah Harry Helen Henry
Hugo Ian Ingrid Isabel Isabella Jack Jacob James Jane Jennifer Jessica Joan Johan John Jonathan
Jorge Jose Joseph Julia Julian Karen Katherine Kevin Laura Lea Leon Linda Lisa Louis Lucas Lucia
Luis Luke Madeleine Magnus Manuel Marc Marco Margaret Maria Mariana Marianne Marie Mario Mark
Marta Martin Martina Mary Matthew Max Maya Megan Michael Michelle Miguel Mohammed Monica Nathan
Nicholas Nicole Nina Noah Olga Oliver Olivia Oscar Pablo Patricia Patrick Paul Paula Peter
Philip Rachel Rafael Rebecca Richard Robert Rosa Ryan Samuel Sara Sarah Sebastian Sergio Simon
Sofia Sophie Stefan Stephen Steven Susan Thomas Tim Tobias Valentina Victor Victoria Walter
William Yusuf Zoe
""".split()

LAST_NAMES = """
Abbott Acosta Adams Aguilar Alvarez Andersen Anderson Bailey Baker Barnes Bauer Becker Bell
Bennett Berg Bianchi Brown Bruno Burke Campbell Carter Castillo Chen Clark Collins Conti Cook
Cooper Costa Cox Cruz Davies Davis Diaz Dubois Edwards Ellis Evans Fernandez Ferrari Fischer
Fisher Flores Fontaine Foster Garcia Gomez Gonzalez Graham Gray Green Gutierrez Hall Hansen
Harris Hartmann Hernandez Hill Hoffmann Howard Hughes Jackson Jansen Jensen Johansson Johnson
Jones Keller Kelly Kim King Klein Koch Kowalski Kruger Lambert Larsen Laurent Lee Lewis Lopez
Marino Marshall Martin Martinez Meyer Miller Mitchell Moore Morales Moreau Morgan Morris Muller
Murphy Murray Nguyen Nielsen Novak Olsen Ortiz Parker Patel Perez Peterson Petrov Phillips
Powell Price Ramirez Reed Reyes Richardson Rivera Roberts Robinson Rodriguez Rogers Romano Rossi
Ruiz Russell Sanchez Santos Schmidt Schneider Schulz Scott Silva Simon Smith Sorensen Stewart
Sullivan Taylor Thomas Thompson Torres Turner Vargas Wagner Walker Ward Watson Weber White
Williams Wilson Wolf Wood Wright Young Zimmermann
""".split()

# Persian given names; "علي" and "كاوه" use the Arabic yeh/kaf on purpose.
PERSIAN_FIRST_NAMES = """
مریم محمد مهدی مهسا محسن مینا مرتضی مصطفی منصور مژگان علی علي زهرا فاطمه حسین حسن رضا
سارا سمیرا سعید سیما نرگس نسرین نیلوفر نازنین کاوه كاوه کامران کیوان پریسا پرویز پوریا
بهرام بهاره شیرین شهرام فرهاد فرزانه فرشته لیلا لاله امیر امید آرش آزاده آناهیتا یاسمن
یوسف هدی هومن داریوش دلارام گلناز رویا رامین ژاله طاهره
""".split()

PERSIAN_LAST_NAMES = """
احمدی محمدی رضایی حسینی کریمی موسوی جعفری صادقی رحیمی عباسی کاظمی نوری مرادی
قاسمی اکبری حیدری سلیمانی یزدانی شریفی طاهری بهرامی فرهادی نیک‌نام کامکار
مهرابی میرزایی منصوری مقدم مختاری ملکی نجفی نظری هاشمی وحیدی یوسفی زمانی
ستوده سپهری شجاعی شفیعی صفوی طباطبایی عطایی فرجی قربانی کیانی گودرزی لطفی
""".split()

JOB_TITLES = [
    "", "", "", "Account Manager", "Buyer", "CEO", "CFO", "CTO", "Consultant", "Controller",
    "Customer Service Lead", "Director of Operations", "Engineer", "Facilities Manager",
    "Finance Manager", "Head of IT", "HR Manager", "Marketing Manager", "Office Manager",
    "Operations Manager", "Owner", "Procurement Officer", "Product Manager", "Project Manager",
    "Purchasing Manager", "Sales Director", "Sales Manager", "Store Manager", "Supply Chain Lead",
    "Technical Lead", "مدیر فروش", "مدیر عامل", "کارشناس خرید", "مدیر مالی",
]  # fmt: skip

COMPANY_FIRST = """
Acme Adventure Aero Alpine Alpha Apex Arctic Atlas Aurora Azure Baltic Bay Beacon Bell Birch
Blue Bright Broad Cedar Central Citadel Clear Coastal Cobalt Contoso Copper Coral Crest Crown
Crystal Delta Desert Diamond Eagle East Echo Emerald Empire Evergreen Fabrikam Falcon First
Fjord Forest Frontier Galaxy Garden Gateway Global Golden Granite Green Harbor Harvest Heritage
Highland Horizon Hudson Humongous Iron Island Ivory Jade Keystone Lake Liberty Lighthouse Lime
Litware Lotus Lucerne Maple Margie Marine Meadow Metro Midland Mountain Nexus North Northwind
Nova Oak Ocean Olympic Omega Orbit Pacific Palm Paragon Phoenix Pine Pinnacle Pioneer Polar
Prairie Premier Prime Proseware Quantum Radiant Rapid Red Redwood Ridge River Rock Royal Ruby
Sapphire Sierra Silver Sky Solar Southern Spring Star Sterling Stone Summit Sun Swift Tailspin
Terra Tidal Titan Trey Tundra Union United Valley Vanguard Vertex Victory Vista Wide Wild Wind
Wingtip Wood Woodgrove Zenith
""".split()

COMPANY_SECOND = """
Adventures Aerospace Agency Analytics Apparel Architects Associates Automotive Bakery Bank
Bikes Biotech Brands Brewing Builders Cafe Capital Chemicals Clinic Cloud Coffee Communications
Construction Consulting Controls Corporation Dairy Data Design Devices Distribution Dynamics
Electric Electronics Energy Engineering Enterprises Equipment Farms Fashion Finance Fitness
Foods Foundry Freight Furniture Games Glass Graphics Health Holdings Hotels Imports Industries
Insurance Interiors Investments Labs Learning Leasing Logistics Machinery Manufacturing Marine
Media Medical Metals Mills Mining Motors Networks Nutrition Optics Outfitters Packaging Paper
Partners Pharma Plastics Power Press Printing Properties Publishing Realty Recycling Resorts
Robotics Security Semiconductors Shipping Software Solutions Sports Steel Studios Supplies
Systems Technologies Textiles Tools Toys Trading Transport Travel Ventures Wholesale Wines
Works
""".split()

COMPANY_SUFFIX = ["", "", "", "Ltd", "Inc.", "LLC", "GmbH", "Group", "& Co", "SA", "BV", "AB"]

PERSIAN_COMPANY_FIRST = """
شرکت گروه صنایع بازرگانی تولیدی کارخانه مؤسسه هلدینگ
""".split()

PERSIAN_COMPANY_WORDS = """
پارس آریا البرز زاگرس دماوند سپاهان کاوه مهر نوین پیشرو آسیا ایران خلیج فارس سپید
ستاره آفتاب کیمیا پویا راه سازه فولاد نساجی دارو غذایی ارتباطات فناوری انرژی بسپار
نگین مهرگان تابان آرمان بهین آتی‌ساز نیک‌اندیش
""".split()

# (city, state/province, country, phone country code, national number prefixes)
PLACES = [
    ("New York", "NY", "United States", "1", ["212", "646", "917"]),
    ("San Francisco", "CA", "United States", "1", ["415", "628"]),
    ("Chicago", "IL", "United States", "1", ["312", "773"]),
    ("Seattle", "WA", "United States", "1", ["206"]),
    ("Austin", "TX", "United States", "1", ["512"]),
    ("Boston", "MA", "United States", "1", ["617"]),
    ("Toronto", "ON", "Canada", "1", ["416", "647"]),
    ("London", "", "United Kingdom", "44", ["20"]),
    ("Manchester", "", "United Kingdom", "44", ["161"]),
    ("Berlin", "", "Germany", "49", ["30"]),
    ("Munich", "", "Germany", "49", ["89"]),
    ("Paris", "", "France", "33", ["1"]),
    ("Lyon", "", "France", "33", ["4"]),
    ("Madrid", "", "Spain", "34", ["91"]),
    ("Barcelona", "", "Spain", "34", ["93"]),
    ("Amsterdam", "", "Netherlands", "31", ["20"]),
    ("Stockholm", "", "Sweden", "46", ["8"]),
    ("Copenhagen", "", "Denmark", "45", ["3"]),
    ("Zurich", "", "Switzerland", "41", ["44"]),
    ("Vienna", "", "Austria", "43", ["1"]),
]

PERSIAN_PLACES = [
    ("تهران", "تهران", "ایران", "98", ["21", "912", "935"]),
    ("اصفهان", "اصفهان", "ایران", "98", ["31", "913"]),
    ("شیراز", "فارس", "ایران", "98", ["71", "917"]),
    ("تبریز", "آذربایجان شرقی", "ایران", "98", ["41", "914"]),
    ("مشهد", "خراسان رضوی", "ایران", "98", ["51", "915"]),
]

STREETS = [
    "Main Street", "High Street", "Market Street", "Park Avenue", "Station Road", "Church Lane",
    "Harbour Road", "Mill Lane", "King Street", "Queen Street", "Bahnhofstrasse", "Rue de la Paix",
    "Calle Mayor", "خیابان ولیعصر", "خیابان انقلاب", "بلوار کشاورز",
]  # fmt: skip

TOPICS = [
    "renewal", "pricing", "the invoice", "delivery dates", "the demo", "onboarding",
    "support ticket", "the contract", "a new order", "the proposal", "training", "an upgrade",
    "the outage", "payment terms", "the quote", "a site visit", "the roadmap", "a complaint",
    "volume discount", "the pilot", "قرارداد", "پیش‌فاکتور", "تمدید",
]  # fmt: skip

SUBJECT_TEMPLATES = {
    "phone_call": ["Call about {t}", "Called re {t}", "Returned call: {t}", "Quick call on {t}"],
    "email": ["Re: {t}", "Sent details on {t}", "Question about {t}", "Fwd: {t}"],
    "letter": ["Letter about {t}", "Sent letter: {t}"],
    "fax": ["Fax: {t}"],
    "task": ["Send {t}", "Prepare {t}", "Check {t}", "Follow up on {t}"],
    "appointment": ["Meeting: {t}", "Visit about {t}", "Workshop on {t}"],
    "service_activity": ["On-site service: {t}"],
    "campaign_response": ["Replied to campaign about {t}"],
}

DESCRIPTIONS = [
    "Customer asked for a written summary.",
    "Left a voicemail; will try again tomorrow.",
    "Agreed next steps and a date for the follow-up.",
    "They want to compare with a competitor's offer first.",
    "Escalated to the account manager.",
    "مشتری درخواست پیش‌فاکتور جدید داشت.",
]

# --- sales ------------------------------------------------------------------------------

DEAL_SUBJECTS = [
    "CRM licences", "Fleet tracking", "Warehouse scanners", "Cloud backup", "Office furniture",
    "Support contract", "Laptop refresh", "Network upgrade", "Security audit", "Training programme",
    "Data migration", "Printing fleet", "Solar panels", "Coffee machines", "ERP integration",
    "Maintenance plan", "Managed services", "Marketing automation", "Mobile devices",
    "Call centre seats", "Conference rooms", "Payroll service", "Field service app",
    "Spare parts", "Packaging line", "Lab equipment", "Web shop", "Analytics platform",
]  # fmt: skip
DEAL_KINDS = [
    "", "", "renewal", "expansion", "pilot", "rollout", "phase 2", "upgrade", "2025", "2026",
    "framework deal", "replacement",
]  # fmt: skip
PERSIAN_DEAL_SUBJECTS = [
    "قرارداد پشتیبانی", "تمدید مجوز", "خرید تجهیزات", "پیش‌فاکتور سرور", "نرم‌افزار حسابداری",
    "مشاوره فناوری", "قرارداد نگهداری", "تجهیزات شبکه",
]  # fmt: skip
NEEDS = [
    "Needs a replacement before the current contract ends.",
    "Wants one supplier for all sites.",
    "Budget approved for this fiscal year.",
    "Looking to cut running costs by a fifth.",
    "Growing team; needs more seats.",
    "نیاز به تمدید قبل از پایان سال مالی.",
]
COMPETITORS = [
    "Contoso Systems", "Fabrikam Solutions", "Litware Group", "Northwind Partners",
    "Adventure Works Sales", "Proseware Direct", "Tailspin Digital", "پارس افزار",
]  # fmt: skip
# (name, type, unit, list price in whole currency units)
PRODUCTS = [
    ("CRM seat licence", "service", "seat/year", 480), ("CRM premium licence", "service",
    "seat/year", 960), ("Onboarding workshop", "flat_fee", "day", 1500), ("Training day",
    "service", "day", 1200), ("Data migration", "flat_fee", "project", 8000), ("Support plan",
    "service", "year", 2400), ("Premium support", "service", "year", 6000), ("Barcode scanner",
    "sales_inventory", "each", 349), ("Rugged tablet", "sales_inventory", "each", 1199),
    ("Laptop 14\"", "sales_inventory", "each", 1450), ("Docking station", "sales_inventory",
    "each", 229), ("Network switch 48p", "sales_inventory", "each", 2890), ("Wi-Fi access point",
    "sales_inventory", "each", 410), ("Firewall appliance", "sales_inventory", "each", 5200),
    ("Cloud backup 1 TB", "service", "month", 35), ("Cloud backup 10 TB", "service", "month",
    290), ("Installation", "misc_charge", "hour", 95), ("Travel costs", "misc_charge", "trip",
    350), ("Shipping", "misc_charge", "parcel", 25), ("Desk chair", "sales_inventory", "each",
    420), ("Standing desk", "sales_inventory", "each", 780), ("Meeting room kit",
    "sales_inventory", "set", 3900), ("Security audit", "flat_fee", "audit", 12000),
    ("Consulting hour", "service", "hour", 160), ("پشتیبانی سالانه", "service", "year", 1800),
    ("راه‌اندازی شبکه", "flat_fee", "project", 4200),
]  # fmt: skip
