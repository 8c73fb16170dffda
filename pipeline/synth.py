"""A deterministic report generator for measuring speed and memory at scale (never for model quality).

Reports are composed from the taxonomy's keywords and descriptions with the four writing styles, Khuzestan
metadata and the noise real registers carry. Groups follow a Zipf-like distribution: a few very common
groups and a long tail, as obstacle registers are.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from .taxonomy import Taxonomy

ESTATES = {
    "اهواز": ["شهرک صنعتی شماره ۲ اهواز", "شهرک صنعتی شماره ۳ اهواز", "شهرک صنعتی شماره ۴ اهواز"],
    "آبادان": ["شهرک صنعتی آبادان", "منطقه آزاد اروند"], "خرمشهر": ["منطقه آزاد اروند", "شهرک صنعتی خرمشهر"],
    "ماهشهر": ["منطقه ویژه اقتصادی پتروشیمی", "شهرک صنعتی ماهشهر"],
    "دزفول": ["شهرک صنعتی شماره ۱ دزفول", "شهرک صنعتی شماره ۲ دزفول"], "شوشتر": ["شهرک صنعتی شوشتر"],
    "بهبهان": ["شهرک صنعتی بهبهان"], "مسجدسلیمان": ["شهرک صنعتی مسجدسلیمان"], "اندیمشک": ["شهرک صنعتی اندیمشک"],
    "شوش": ["شهرک صنعتی شوش"], "رامهرمز": ["شهرک صنعتی رامهرمز"], "ایذه": ["شهرک صنعتی ایذه"],
    "شادگان": ["شهرک صنعتی شادگان"], "هندیجان": ["شهرک صنعتی هندیجان"], "امیدیه": ["شهرک صنعتی امیدیه"],
}
SECTORS = ["صنایع غذایی و آشامیدنی", "فلزات اساسی و محصولات فلزی", "شیمیایی و پتروشیمی", "پلاستیک و پلیمر",
           "کانی غیرفلزی و مصالح ساختمانی", "سلولزی و کاغذ", "نساجی و پوشاک", "برق و الکترونیک",
           "ماشین‌آلات و تجهیزات", "دارویی و بهداشتی", "معدن", "فرآوری محصولات کشاورزی"]
PRODUCTS = ["رب گوجه", "لوله پلی‌اتیلن", "میلگرد", "کاشی", "بلوک سیمانی", "خرما", "کیسه پلی‌پروپیلن", "گچ",
            "نان صنعتی", "سرم", "پالت چوبی", "لبنیات", "کنسانتره", "یخ", "قطعات خودرو", "رنگ ساختمانی"]
TEMPLATES = {
    "formal_letter": "با سلام و احترام، به استحضار می‌رساند واحد تولید {product} این شرکت با {kw1} مواجه است. "
                     "{desc} در نتیجه {workers} نفر از کارکنان در معرض تعدیل هستند. خواهشمند است دستور فرمایید "
                     "در خصوص {kw2} مساعدت لازم صورت گیرد.",
    "field_note": "بازدید میدانی. {kw1}؛ {kw2}. ظرفیت فعلی {pct}٪؛ {workers} نفر نیرو. محصول: {product}.",
    "chat": "سلام مهندس، باز {kw1} داریم، {kw2} هم که هست. {workers} تا کارگر بیکار شدن یه کاری بکنین",
    "summary": "کاهش تولید {product} به دلیل {kw1} و {kw2}.",
}
STYLES = list(TEMPLATES)
_ARABIC = str.maketrans("یک", "يك")
_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def zipf_weights(n: int, exponent: float = 1.1, seed: int = 0) -> np.ndarray:
    """Probabilities over `n` groups: rank r gets weight 1/r^exponent, ranks shuffled by the seed."""
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    np.random.default_rng(seed).shuffle(weights)
    return weights / weights.sum()


def generate(taxonomy: Taxonomy, n: int, seed: int = 0, chunksize: int = 100_000) -> Iterator[pd.DataFrame]:
    """Yield `n` generated reports in chunks; the same (taxonomy, n, seed) always gives the same rows."""
    rng = np.random.default_rng(seed)
    groups = taxonomy.groups
    weights = zipf_weights(len(groups), seed=seed)
    counties = list(ESTATES)
    for start in range(0, n, chunksize):
        size = min(chunksize, n - start)
        picks = rng.choice(len(groups), size=size, p=weights)
        styles = rng.integers(0, len(STYLES), size)
        county_idx = rng.integers(0, len(counties), size)
        noise = rng.random((size, 3))
        numbers = rng.integers(0, 10_000, (size, 6))
        rows = []
        for i in range(size):
            group = groups[picks[i]]
            keywords = group.keywords_fa or (group.name_fa,)
            style = STYLES[styles[i]]
            county = counties[county_idx[i]]
            text = TEMPLATES[style].format(
                product=PRODUCTS[numbers[i, 0] % len(PRODUCTS)], kw1=keywords[numbers[i, 1] % len(keywords)],
                kw2=keywords[numbers[i, 2] % len(keywords)], desc=group.description_fa.split("؛")[0].rstrip("."),
                workers=5 + numbers[i, 3] % 120, pct=10 + numbers[i, 4] % 80)
            if noise[i, 0] < 0.12:
                text = text.translate(_ARABIC)
            if noise[i, 1] < 0.2:
                text = text.replace("\u200c", " " if noise[i, 2] < 0.5 else "")
            if noise[i, 2] < 0.15:
                text = text.translate(_LATIN)
            estates = ESTATES[county]
            rows.append((f"G-{start + i + 1:08d}", f"واحد تولیدی شماره {numbers[i, 5]}", county,
                         estates[numbers[i, 5] % len(estates)], SECTORS[numbers[i, 0] % len(SECTORS)],
                         f"{1402 + numbers[i, 1] % 3}/{1 + numbers[i, 2] % 12:02d}/{1 + numbers[i, 3] % 29:02d}",
                         text, group.code, "generated", style))
        yield pd.DataFrame(rows, columns=["report_id", "unit_name", "county", "industrial_estate", "sector",
                                          "reported_at", "text", "group_code", "source", "style"],
                           index=range(start, start + size))
