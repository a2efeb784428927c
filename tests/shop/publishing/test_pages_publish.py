"""shop.publishing: files and their twins, removal, refusal of private pages, the command."""

import gzip
import os
from html.parser import HTMLParser

import brotli
import pytest
from django.core.management import call_command

from shop.publishing.render import PageNotPublishableError
from shop.publishing.services import pages_publish, pages_publish_for


class Outline(HTMLParser):
    """The tags seen and the <title> text: enough to call a file an HTML page."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def outline(content: bytes) -> Outline:
    parser = Outline()
    parser.feed(content.decode())
    parser.close()
    return parser


def test_a_page_is_written_as_html_with_gzip_and_brotli_twins_of_the_same_bytes(published):
    # when
    report = pages_publish(paths=["/pages/1/"])
    # then
    page = (published / "pages/1/index.html").read_bytes()
    assert report.written == ["/pages/1/"]
    assert outline(page).tags[:3] == ["html", "head", "title"]
    assert outline(page).title == "Page 1"
    assert gzip.decompress((published / "pages/1/index.html.gz").read_bytes()) == page
    assert brotli.decompress((published / "pages/1/index.html.br").read_bytes()) == page
    assert len((published / "pages/1/index.html.br").read_bytes()) < len(page) / 5


def test_publishing_an_unchanged_page_writes_nothing(published):
    # given
    pages_publish(paths=["/pages/1/"])
    written_at = os.stat(published / "pages/1/index.html").st_mtime_ns
    # when
    report = pages_publish(paths=["/pages/1/"])
    # then
    assert report.written == []
    assert report.unchanged == ["/pages/1/"]
    assert os.stat(published / "pages/1/index.html").st_mtime_ns == written_at
    assert sorted(os.listdir(published / "pages/1")) == ["index.html", "index.html.br", "index.html.gz"]


def test_a_page_that_answers_404_now_is_removed_with_its_twins(published):
    # given a page published while it existed
    (published / "pages/gone-1").mkdir(parents=True)
    for name in ("index.html", "index.html.gz", "index.html.br"):
        (published / "pages/gone-1" / name).write_bytes(b"old")
    # when
    report = pages_publish(paths=["/pages/gone-1/", "/nowhere/"])
    # then
    assert report.removed == ["/pages/gone-1/"]
    assert os.listdir(published / "pages/gone-1") == []


def test_a_change_removes_the_pages_under_its_prefix_except_the_current_one(published):
    # given thing 7 published under an old and the current slug, and thing 70
    pages_publish(paths=["/pages/7-old/", "/pages/7-new/", "/pages/70-other/"])
    # when
    report = pages_publish(paths=["/pages/7-new/"], remove=["/pages/7-"])
    # then
    assert report.removed == ["/pages/7-old/"]
    assert (published / "pages/7-new/index.html").exists()
    assert not (published / "pages/7-old/index.html").exists()
    assert (published / "pages/70-other/index.html").exists()


def test_the_page_sources_say_which_pages_a_change_touches(published):
    # when
    report = pages_publish_for(kind="thing", object_id=2)
    unknown = pages_publish_for(kind="unknown", object_id=2)
    # then
    assert report.written == ["/pages/2/"]
    assert unknown.written == unknown.removed == []


@pytest.mark.parametrize("path", ["/token/", "/cookie/"])
def test_a_page_with_a_csrf_token_or_a_cookie_is_refused(published, path):
    with pytest.raises(PageNotPublishableError):
        pages_publish(paths=[path])
    assert not (published / path.strip("/") / "index.html").exists()


def test_the_command_publishes_everything_and_removes_orphans(published, capsys):
    # given a page published earlier that no source names any more
    pages_publish(paths=["/pages/9/"])
    # when
    call_command("publish_pages", "--all")
    # then
    out = capsys.readouterr().out
    assert "  written /pages/1/" in out
    assert "  removed /pages/9/" in out
    assert "2 written, 0 unchanged, 1 removed" in out
    assert sorted(os.listdir(published / "pages")) == ["1", "2", "9"]
    assert not (published / "pages/9/index.html").exists()


def test_the_command_publishes_one_object(published, capsys):
    call_command("publish_pages", "--kind", "thing", "--id", "5")
    assert "1 written, 0 unchanged, 0 removed" in capsys.readouterr().out
    assert (published / "pages/5/index.html").exists()


def test_the_storage_replaces_a_file_atomically_and_leaves_no_temporary_file(published):
    # given
    from django.core.files.base import ContentFile

    from shop.publishing.storage import published_storage

    storage = published_storage()
    storage.save("a/index.html", ContentFile(b"one"))
    # when
    name = storage.save("a/index.html", ContentFile(b"two"))
    # then
    assert name == "a/index.html"
    assert (published / "a/index.html").read_bytes() == b"two"
    assert os.listdir(published / "a") == ["index.html"]
    assert oct(os.stat(published / "a/index.html").st_mode & 0o777) == "0o644"


def test_the_command_can_leave_the_work_to_a_celery_worker(published, capsys):
    # when (Celery is eager in tests: the worker's run happens here)
    call_command("publish_pages", "--all", "--background")
    # then
    assert "enqueued for a Celery worker" in capsys.readouterr().out
    assert (published / "pages/1/index.html").exists()
    assert (published / "pages/2/index.html").exists()
