"""The three demonstration cooperatives, modelled on the reference cooperatives of the brief.

Every person is fictional; names are common in each country. Figures follow the brief: cooperative A
runs 13 centres of at most 30 children, 9 a.m. to 5 p.m.; B one centre of about 70 children and a
primary school; C a municipal centre of about 80 children open 7 a.m. to 10 p.m.
"""

import datetime
from decimal import Decimal
from typing import Any

COOPERATIVES: list[dict[str, Any]] = [
    {
        "slug": "shakti-creches",
        "name": "Shakti Child Care Workers' Cooperative",
        "kind": "cooperative",
        "ilo_type": "multi_stakeholder",
        "country": "IN",
        "city": "Ahmedabad",
        "currency": "INR",
        "languages": "gu,hi,en",
        "time_zone": "Asia/Kolkata",
        "founded_on": datetime.date(1986, 6, 1),
        "is_public": True,
    },
    {
        "slug": "manos-unidas",
        "name": "Cooperativa Artesanal Manos Unidas",
        "kind": "cooperative",
        "ilo_type": "producer",
        "country": "GT",
        "city": "Villa Nueva",
        "currency": "GTQ",
        "languages": "es,en",
        "time_zone": "America/Guatemala",
        "founded_on": datetime.date(1988, 3, 1),
        "is_public": True,
    },
    {
        "slug": "recicla-bh",
        "name": "Cooperativa de Catadores Recicla BH",
        "kind": "cooperative",
        "ilo_type": "worker",
        "country": "BR",
        "city": "Belo Horizonte",
        "currency": "BRL",
        "languages": "pt-br,en",
        "time_zone": "America/Sao_Paulo",
        "founded_on": datetime.date(1990, 5, 1),
        "is_public": True,
    },
]

FEDERATIONS: list[dict[str, Any]] = [
    {
        "slug": "care-coop-network",
        "name": "Care Cooperatives Network",
        "kind": "network",
        "country": "CH",
        "city": "Geneva",
        "currency": "USD",
        "languages": "en,fr,es",
        "time_zone": "Europe/Zurich",
    },
    {
        "slug": "women-workers-union",
        "name": "Women Workers' Union",
        "kind": "union",
        "country": "IN",
        "city": "Ahmedabad",
        "currency": "INR",
        "languages": "gu,hi,en",
        "time_zone": "Asia/Kolkata",
    },
]

# (member, federation, from, what it shares): the union is itself a member of the network, so
# the network reaches Shakti twice and counts it once.
AFFILIATIONS = [
    ("shakti-creches", "women-workers-union", datetime.date(1986, 6, 1), "money"),
    ("women-workers-union", "care-coop-network", datetime.date(2019, 1, 1), "counts"),
    ("shakti-creches", "care-coop-network", datetime.date(2019, 1, 1), "money"),
    ("manos-unidas", "care-coop-network", datetime.date(2019, 1, 1), "money"),
    ("recicla-bh", "care-coop-network", datetime.date(2020, 1, 1), "counts"),
]

AHMEDABAD_AREAS = [
    "Behrampura",
    "Gomtipur",
    "Rakhial",
    "Saraspur",
    "Vatva",
    "Juhapura",
    "Danilimda",
    "Bapunagar",
    "Amraiwadi",
    "Naroda",
    "Odhav",
    "Shahpur",
    "Jamalpur",
]

CENTRES: dict[str, list[dict[str, Any]]] = {
    "shakti-creches": [
        {
            "code": f"ahd-{i + 1:02d}",
            "name": f"Shakti Creche {area}",
            "city": "Ahmedabad",
            # Spread over the city; published only to the neighbourhood (demo/directory.py).
            "latitude": Decimal("22.9800") + Decimal(i % 4) * Decimal("0.0310"),
            "longitude": Decimal("72.5400") + Decimal(i // 4) * Decimal("0.0290"),
            "licensed_capacity": 30,
            "min_age_months": 0,
            "max_age_months": 72,
            "opens_at": datetime.time(9, 0),
            "closes_at": datetime.time(17, 0),
        }
        for i, area in enumerate(AHMEDABAD_AREAS)
    ],
    "manos-unidas": [
        {
            "code": "centro-infantil",
            "name": "Centro Infantil Montessori Manos Unidas",
            "city": "Villa Nueva",
            "latitude": Decimal("14.526900"),
            "longitude": Decimal("-90.587500"),
            "licensed_capacity": 70,
            "min_age_months": 1,
            "max_age_months": 72,
            "opens_at": datetime.time(7, 0),
            "closes_at": datetime.time(17, 0),
        },
        {
            "code": "escuela",
            "name": "Escuela Primaria Manos Unidas",
            "city": "Villa Nueva",
            "latitude": Decimal("14.528300"),
            "longitude": Decimal("-90.589100"),
            "licensed_capacity": 150,
            "min_age_months": 60,
            "max_age_months": 156,
            "opens_at": datetime.time(7, 0),
            "closes_at": datetime.time(13, 0),
        },
    ],
    "recicla-bh": [
        {
            "code": "cmei-catadores",
            "name": "Centro de Educação Infantil dos Catadores",
            "city": "Belo Horizonte",
            "latitude": Decimal("-19.916700"),
            "longitude": Decimal("-43.934500"),
            "licensed_capacity": 80,
            "min_age_months": 0,
            "max_age_months": 71,
            "opens_at": datetime.time(7, 0),
            "closes_at": datetime.time(22, 0),
        },
    ],
}

MEMBER_CLASSES: dict[str, list[dict[str, Any]]] = {
    "shakti-creches": [
        {
            "code": "care-worker",
            "interest": "worker",
            "name": "Care worker (facilitator)",
            "description": "Facilitators and helpers who run the creches; shareholders.",
            "may_vote": True,
            "vote_weight_percent": 50,
            "may_hold_office": True,
            "may_enrol_children": True,
            "min_shares": 1,
        },
        {
            "code": "parent",
            "interest": "user",
            "name": "Parent (mother)",
            "description": "Union members whose children attend; shareholders.",
            "may_vote": True,
            "vote_weight_percent": 50,
            "may_hold_office": True,
            "may_enrol_children": True,
            "min_shares": 1,
        },
    ],
    "manos-unidas": [
        {
            "code": "artisan",
            "interest": "producer",
            "name": "Socia artesana",
            "description": "Worker-members who make and sell handicrafts.",
            "may_vote": True,
            "may_hold_office": True,
            "may_enrol_children": True,
            "min_shares": 1,
        },
        {
            "code": "community",
            "interest": "user",
            "name": "Familia de la comunidad",
            "description": "Families from the settlement who use the centre; no vote.",
            "may_vote": False,
            "may_hold_office": False,
            "may_enrol_children": True,
        },
    ],
    "recicla-bh": [
        {
            "code": "catador",
            "interest": "worker",
            "name": "Catador(a) cooperado(a)",
            "description": "Waste-picker members; 70 % of the centre's places are theirs.",
            "may_vote": True,
            "may_hold_office": True,
            "may_enrol_children": True,
            "min_shares": 1,
        },
        {
            "code": "comunidade",
            "interest": "user",
            "name": "Família da comunidade",
            "description": "Families from the neighbourhood; 30 % of the places.",
            "may_vote": False,
            "may_hold_office": False,
            "may_enrol_children": True,
        },
    ],
}

NAMES: dict[str, dict[str, Any]] = {
    "shakti-creches": {
        "women": [
            "Meena",
            "Hansa",
            "Jyoti",
            "Kokila",
            "Rekha",
            "Savita",
            "Geeta",
            "Manisha",
            "Nisha",
            "Pooja",
            "Sonal",
            "Bhavna",
            "Kiran",
            "Asha",
            "Usha",
            "Lata",
            "Daksha",
            "Hetal",
            "Jagruti",
            "Rupal",
            "Shobha",
            "Varsha",
            "Farzana",
            "Ruksana",
            "Shabana",
            "Nasreen",
            "Kailash",
            "Madhu",
            "Sarla",
            "Kanchan",
        ],
        "men": ["Ramesh", "Suresh", "Mahesh", "Dinesh", "Jayesh", "Haresh", "Imran", "Salim"],
        "children": [
            "Aarav",
            "Vivaan",
            "Diya",
            "Riya",
            "Krish",
            "Aditya",
            "Ananya",
            "Ishaan",
            "Kavya",
            "Zoya",
            "Ayaan",
            "Dhruv",
            "Mahi",
            "Jiya",
            "Yash",
            "Tanvi",
            "Om",
            "Heer",
            "Aryan",
            "Naitik",
            "Sana",
            "Arham",
            "Khushi",
            "Prisha",
        ],
        "families": [
            "Patel",
            "Parmar",
            "Solanki",
            "Chauhan",
            "Makwana",
            "Vaghela",
            "Rathod",
            "Desai",
            "Shah",
            "Pathan",
            "Shaikh",
            "Mansuri",
            "Prajapati",
            "Vankar",
            "Thakor",
            "Chavda",
        ],
        "phone": "+91 9{:09d}",
        "occupation": {"care-worker": "5311", "parent": "5211"},
        "activity": {"care-worker": "8890", "parent": "4781"},
    },
    "manos-unidas": {
        "women": [
            "María",
            "Ana",
            "Rosa",
            "Juana",
            "Carmen",
            "Marta",
            "Lucía",
            "Sandra",
            "Gloria",
            "Elena",
            "Sofía",
            "Andrea",
            "Marisol",
            "Lesbia",
            "Ingrid",
            "Brenda",
            "Olga",
            "Irma",
        ],
        "men": ["José", "Juan", "Carlos", "Luis", "Pedro", "Mario"],
        "children": [
            "Mateo",
            "Santiago",
            "Valeria",
            "Camila",
            "Diego",
            "Ximena",
            "Josué",
            "Génesis",
            "Ángel",
            "Allison",
            "Keneth",
            "Dulce",
            "Emily",
            "Sebastián",
        ],
        "families": [
            "López",
            "García",
            "Pérez",
            "Hernández",
            "Morales",
            "Gómez",
            "Ramírez",
            "Xicará",
            "Coyoy",
            "Tzoc",
            "Ajú",
            "Cux",
            "Chávez",
            "Méndez",
            "Castillo",
            "Ordóñez",
        ],
        "phone": "+502 5{:07d}",
        "occupation": {"artisan": "7318", "community": "5211"},
        "activity": {"artisan": "1392", "community": "4789"},
    },
    "recicla-bh": {
        "women": [
            "Maria",
            "Ana",
            "Francisca",
            "Antônia",
            "Adriana",
            "Juliana",
            "Márcia",
            "Fernanda",
            "Patrícia",
            "Aline",
            "Sandra",
            "Cláudia",
            "Rosângela",
            "Luciana",
            "Edna",
            "Dalva",
        ],
        "men": [
            "José",
            "João",
            "Antônio",
            "Francisco",
            "Carlos",
            "Paulo",
            "Raimundo",
            "Marcos",
        ],
        "children": [
            "Miguel",
            "Arthur",
            "Heitor",
            "Helena",
            "Alice",
            "Laura",
            "Davi",
            "Gael",
            "Valentina",
            "Sophia",
            "Enzo",
            "Lorena",
            "Théo",
            "Manuela",
        ],
        "families": [
            "Silva",
            "Santos",
            "Oliveira",
            "Souza",
            "Rodrigues",
            "Ferreira",
            "Alves",
            "Pereira",
            "Lima",
            "Gomes",
            "Costa",
            "Ribeiro",
            "Martins",
            "Carvalho",
            "Almeida",
            "Lopes",
        ],
        "phone": "+55 31 9{:08d}",
        "occupation": {"catador": "9611", "comunidade": "9629"},
        "activity": {"catador": "3830", "comunidade": "4789"},
    },
}

# (member class, how many, share of women, children per household range)
MEMBERSHIP_PLAN = {
    "shakti-creches": [("care-worker", 39, 1.0, (0, 1)), ("parent", 250, 1.0, (1, 2))],
    "manos-unidas": [("artisan", 84, 0.85, (0, 2)), ("community", 30, 0.9, (1, 1))],
    "recicla-bh": [("catador", 100, 0.55, (0, 1)), ("comunidade", 24, 0.8, (1, 1))],
}

PASSWORD = "carecoop-demo"

# username, organisation, role, extra
USERS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("manager.shakti", "shakti-creches", "manager", {}),
    ("board.shakti", "shakti-creches", "board", {}),
    ("treasurer.shakti", "shakti-creches", "treasurer", {}),
    ("facilitator.shakti", "shakti-creches", "facilitator", {"centres": ["ahd-01", "ahd-02"]}),
    ("member.shakti", "shakti-creches", "member", {"person": "first-parent"}),
    ("auditor.shakti", "shakti-creches", "auditor", {}),
    ("manager.manos", "manos-unidas", "manager", {}),
    ("board.manos", "manos-unidas", "board", {}),
    ("treasurer.manos", "manos-unidas", "treasurer", {}),
    ("facilitator.manos", "manos-unidas", "facilitator", {"centres": ["centro-infantil"]}),
    ("member.manos", "manos-unidas", "member", {"person": "first-parent"}),
    ("auditor.manos", "manos-unidas", "auditor", {}),
    ("manager.recicla", "recicla-bh", "manager", {}),
    ("board.recicla", "recicla-bh", "board", {}),
    ("treasurer.recicla", "recicla-bh", "treasurer", {}),
    ("facilitator.recicla", "recicla-bh", "facilitator", {"centres": ["cmei-catadores"]}),
    ("member.recicla", "recicla-bh", "member", {"person": "first-parent"}),
    ("auditor.recicla", "recicla-bh", "auditor", {}),
    ("analyst.network", "care-coop-network", "analyst", {}),
]

# Rooms per centre code prefix: (name, youngest months, oldest months, places)
ROOMS: dict[str, list[tuple[str, int, int, int]]] = {
    "ahd": [("Cradles (0-2)", 0, 23, 10), ("Little ones (2-6)", 24, 72, 20)],
    "centro-infantil": [
        ("Lactantes", 1, 17, 15),
        ("Maternal", 18, 35, 20),
        ("Preescolar", 36, 72, 35),
    ],
    "escuela": [("Primaria", 60, 156, 150)],
    "cmei-catadores": [
        ("Berçário", 0, 11, 12),
        ("1 a 2 anos", 12, 35, 24),
        ("3 a 4 anos", 36, 59, 28),
        ("5 anos", 60, 71, 16),
    ],
}

# Pools per centre code prefix: (name, places or None for all, member class codes, days to release)
POOLS: dict[str, list[tuple[str, int | None, list[str], int | None]]] = {
    "ahd": [("Union members", None, ["care-worker", "parent"], None)],
    "centro-infantil": [("Socias artesanas", 45, ["artisan"], None), ("Comunidad", 25, [], None)],
    "escuela": [("Todos", None, [], None)],
    "cmei-catadores": [
        ("Filhos de catadores (70 %)", 56, ["catador"], -30),
        ("Comunidade (30 %)", 24, [], None),
    ],
}

PRIORITY = {"member": 10, "sibling": 5, "single_parent": 5, "special_needs": 5, "waiting_month": 1}

# Long days for the waste pickers' centre: (weekday, opens, closes)
HOURS: dict[str, list[tuple[int, datetime.time, datetime.time]]] = {
    "cmei-catadores": [
        *[(d, datetime.time(7), datetime.time(22)) for d in range(1, 6)],
        (6, datetime.time(7), datetime.time(13)),
    ],
}

# Closures on the holidays' real dates: centre code prefix: (days from the holiday's main day to
# the first day of the closure, length in days, reason). The reasons are stored in English and
# shown in the reader's language (demo/shipped.py).
# Semana Santa (Holy Week): Monday to Friday of the week before Easter Sunday; Carnaval: the Monday
# and Tuesday 48 and 47 days before it.
EASTER_CLOSURES: dict[str, tuple[int, int, str]] = {
    "centro-infantil": (-6, 5, "Holy Week"),
    "escuela": (-6, 5, "Holy Week"),
    "cmei-catadores": (-48, 2, "Carnival"),
}
# Diwali in Ahmedabad: from Dhanteras, two days before Lakshmi Puja, to two days after it (Bhai
# Beej in most years, with the Gujarati New Year between).
DIWALI_CLOSURES: dict[str, tuple[int, int, str]] = {
    "ahd": (-2, 5, "Diwali"),
}

# Lakshmi Puja, the main day of Diwali (the new moon of Ashvin/Kartik, amavasya), for the years
# the demo covers. Sources: the Government of India's lists of holidays for its offices
# (Department of Personnel and Training, 2023 to 2026), then published Hindu calendar tables
# (panchang) for 2027 to 2035. Where the new moon spans two
# evenings, the almanacs can differ by a day (2024: 31 October or 1 November); the government's
# day is kept. A lunar date has no short formula: extend the table as the years come.
DIWALI: dict[int, datetime.date] = {
    2023: datetime.date(2023, 11, 12),
    2024: datetime.date(2024, 10, 31),
    2025: datetime.date(2025, 10, 20),
    2026: datetime.date(2026, 11, 8),
    2027: datetime.date(2027, 10, 29),
    2028: datetime.date(2028, 10, 17),
    2029: datetime.date(2029, 11, 5),
    2030: datetime.date(2030, 10, 26),
    2031: datetime.date(2031, 11, 14),
    2032: datetime.date(2032, 11, 2),
    2033: datetime.date(2033, 10, 22),
    2034: datetime.date(2034, 11, 10),
    2035: datetime.date(2035, 10, 30),
}


def diwali(year: int) -> datetime.date:
    """Lakshmi Puja, the main day of Diwali, in ``year`` (from the table ``DIWALI``)."""
    try:
        return DIWALI[year]
    except KeyError:
        raise LookupError(
            f"No date of Diwali is known for {year}: add the year's Lakshmi Puja to data.DIWALI."
        ) from None


def easter(year: int) -> datetime.date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def closure_dates(key: str, today: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """The first and last day of a centre's demo closure and its reason: the holiday on its real
    date, the next time it comes (a closure not over by today)."""
    if key in EASTER_CLOSURES:
        offset, length, reason = EASTER_CLOSURES[key]
        main_day = easter
    else:
        offset, length, reason = DIWALI_CLOSURES[key]
        main_day = diwali
    for year in (today.year, today.year + 1):
        first = main_day(year) + datetime.timedelta(days=offset)
        last = first + datetime.timedelta(days=length - 1)
        if last >= today:
            return first, last, reason
    raise AssertionError("a holiday comes every year")  # pragma: no cover
