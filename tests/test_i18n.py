"""The Simplified Chinese catalogue is complete, and the shopper pages are served in Chinese."""

import ast
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from tests.apps.catalog.factories import CategoryFactory, ProductFactory, VariantFactory

ZH_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%%|%\(\w+\)[sd]|%[sd]")


@dataclass
class PoEntry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


def _po_entries(path: Path) -> list[PoEntry]:
    """A small .po reader: enough of the format for what makemessages writes (no polib needed)."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    key: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):  # blank line or obsolete entry
            if not line:
                current, key = None, None
            continue
        if current is None:
            current = PoEntry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, literal = match.groups()
            key = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else (keyword, 0)
            text = ast.literal_eval(literal)
        else:
            assert line.startswith('"') and key is not None, f"{path}:{number}: cannot parse {raw!r}"
            text = ast.literal_eval(line)
        name, index = key
        if name == "msgstr":
            current.msgstrs[index] = current.msgstrs.get(index, "") + text
        else:
            setattr(current, name, (getattr(current, name) or "") + text)
    return [entry for entry in entries if entry.msgid]  # drop the header


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_entry():
    # given
    entries = _po_entries(ZH_PO)
    # when
    untranslated = [e.label for e in entries if not e.msgstrs or any(s == "" for s in e.msgstrs.values())]
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]
    # then
    assert len(entries) > 600
    assert untranslated == [], "untranslated msgids:\n" + "\n".join(untranslated)
    assert fuzzy == [], "fuzzy msgids:\n" + "\n".join(fuzzy)


def test_the_chinese_catalogue_keeps_every_placeholder_and_trailing_newline():
    # given
    entries = _po_entries(ZH_PO)
    # when
    broken = [
        e.label
        for e in entries
        for translation in e.msgstrs.values()
        if sorted(PLACEHOLDER.findall(translation)) != sorted(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
        or translation.endswith("\n") != e.msgid.endswith("\n")
    ]
    # then
    assert broken == [], "placeholders or trailing newline differ:\n" + "\n".join(broken)


def test_the_chinese_catalogue_declares_one_plural_form():
    # given
    header = ZH_PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    # then
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header


@pytest.mark.django_db
def test_home_page_in_chinese_shows_translated_interface(client):
    # given
    product = ProductFactory(
        category=CategoryFactory(name="Clothing", name_zh="服装", slug="clothing"),
        name="Linen shirt",
        name_zh="亚麻衬衫",
        slug="linen-shirt",
        is_featured=True,
    )
    VariantFactory(product=product, sku="SHIRT-RED", price=Decimal("25.00"))
    # when
    response = client.get("/zh-hans/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "<title>欢迎 · 闪购商城</title>" in html
    for chinese, english in [
        ("超值好物，快人一步。", "Great deals, fast."),
        ("新品上架", "New arrivals"),
        ("精选推荐", "Featured"),
        ("跳至正文", "Skip to content"),
        ('placeholder="搜索商品"', "Search products"),
    ]:
        assert chinese in html
        assert english not in html
    assert "亚麻衬衫" in html


@pytest.mark.django_db
def test_login_page_in_chinese_shows_translated_title(client):
    # when
    response = client.get("/zh-hans/accounts/login/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>登录 · 闪购商城</title>" in html
    assert "<h1>登录</h1>" in html
    assert "忘记密码？" in html
    assert "Log in" not in html
    assert "Forgot your password?" not in html
