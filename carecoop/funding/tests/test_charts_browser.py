"""The bar chart in a real browser, in Arabic: the boxes chromium draws for its labels, bars and
legend, measured rather than estimated, stay inside the chart and apart."""

import pytest

from carecoop.funding import svg

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">
<style>svg.chart{{max-inline-size:100%;font:11px sans-serif;inline-size:360px}}</style></head>
<body>{chart}</body></html>"""

GROUPS = {
    "ar": [
        (
            "مركز الحي الشمالي للرعاية",
            [
                ("الرسوم المحصَّلة", 120),
                ("مُعفى منه (صندوق التضامن)", 30),
                ("المنح والتبرعات والمبيعات", 200),
                ("غير مغطّى", 90),
            ],
        ),
        ("Home Centre Two", [("الرسوم المحصَّلة", 40), ("غير مغطّى", 300)]),
    ],
    "en": [
        (
            "Northern neighbourhood care centre",
            [
                ("Fees collected", 120),
                ("Waived (solidarity fund)", 30),
                ("Grants, donations, sales", 200),
                ("Not covered", 90),
            ],
        ),
        ("Home Centre Two", [("Fees collected", 40), ("Not covered", 300)]),
    ],
}

BOXES = """() => {
  const svg = document.querySelector('svg');
  const scale = svg.viewBox.baseVal.width / svg.getBoundingClientRect().width;
  const origin = svg.getBoundingClientRect();
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return [(r.left - origin.left) * scale, (r.top - origin.top) * scale,
            (r.right - origin.left) * scale, (r.bottom - origin.top) * scale];
  };
  return {
    width: svg.viewBox.baseVal.width,
    bars: [...svg.querySelectorAll('rect:not(.legend)')].map(box),
    legend: [...svg.querySelectorAll('rect.legend')].map(box),
    texts: [...svg.querySelectorAll(':scope > text')].map(box),
  };
}"""


def _apart(a, b):
    return a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_bar_chart_drawn_by_chromium_keeps_its_texts_inside_and_apart(phone, lang):
    rtl = lang == "ar"
    chart = svg.bars("How each centre's cost is covered", GROUPS[lang], rtl=rtl)
    phone.set_content(PAGE.format(lang=lang, dir="rtl" if rtl else "ltr", chart=chart))
    drawn = phone.evaluate(BOXES)
    width, bars, legend, texts = drawn["width"], drawn["bars"], drawn["legend"], drawn["texts"]
    labels, names = texts[: len(GROUPS[lang])], texts[len(GROUPS[lang]) :]
    bottom = max(b[3] for b in bars)
    for text in texts:
        assert text[0] >= -0.5 and text[2] <= width + 0.5, text
    for label in labels:
        # The groups' names sit at the reader's starting side, clear of the bars.
        if rtl:
            assert label[2] > width - 10
        else:
            assert label[0] < 10
        assert all(_apart(label, bar) for bar in bars)
    items = [
        (min(s[0], n[0]), min(s[1], n[1]), max(s[2], n[2]), max(s[3], n[3]))
        for s, n in zip(legend, names, strict=True)
    ]
    for i, item in enumerate(items):
        assert item[1] >= bottom - 0.5, "the legend overlaps the bars"
        assert all(_apart(item, other) for other in items[i + 1 :]), (item, items)
