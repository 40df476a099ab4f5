"""The form reader that the load test and the form fuzzing use sends what a browser
would."""

from benchmarks.load.html_forms import main_form

PAGE = """
<form method="post" action="/accounts/logout/"><input type="hidden"
  name="csrfmiddlewaretoken" value="t"><button>Sign out</button></form>
<form method="post" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="t">
  <button type="submit" class="govuk-visually-hidden">Save Section C</button>
  <input type="hidden" name="version" value="3">
  <input type="text" name="case_worker_name" value="Sam &amp; Co">
  <input type="number" name="sdq_score" value="12">
  <textarea name="care_plan_summary">
Line one
Line two</textarea>
  <input type="radio" name="travel" value="walks">
  <input type="radio" name="travel" value="carer_drives" checked>
  <input type="checkbox" name="rows-0-DELETE">
  <select name="virtual_teacher"><option value="">Choose</option>
    <option value="7" selected>Lee Link</option></select>
  <select name="phase"><option value="">Choose</option></select>
  <input type="file" name="upload">
  <button type="submit" name="add_row" value="rows">Add another row</button>
  <button type="submit">Save Section C</button>
</form>
"""


def test_the_main_form_is_read_as_a_browser_would_send_it():
    form = main_form(PAGE)

    assert form.action == ""
    assert form.data() == [
        ("csrfmiddlewaretoken", "t"),
        ("version", "3"),
        ("case_worker_name", "Sam & Co"),
        ("sdq_score", "12"),
        ("care_plan_summary", "Line one\nLine two"),
        ("travel", "carer_drives"),
        ("virtual_teacher", "7"),
        ("phase", ""),
    ]
    assert form.typed == ["case_worker_name", "care_plan_summary"]


def test_a_named_first_button_is_sent_with_the_form():
    form = main_form(
        '<form method="post"><input name="a" value="1">'
        '<button name="save" value="yes">Save</button>'
        '<button name="add_row" value="x">Add</button></form>'
    )

    assert form.data() == [("a", "1"), ("save", "yes")]


def test_a_page_without_a_form_has_none():
    assert main_form("<p>Nothing to fill in</p>") is None
