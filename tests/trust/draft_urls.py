"""A long form for the form-draft browser tests, beside the portal's own URLs.

It stands for any section form: marked with data-draft-key and data-draft-version,
login required, redirected elsewhere once saved.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import include, path

# The version the form is drawn from; a test raises it to play another user's save.
STATE = {"version": 1, "saved": None}

FORM_PAGE = """{% extends "base.html" %}
{% block head_title %}Long form{% endblock %}
{% block content %}
<h1 class="govuk-heading-l">Long form</h1>
<form method="post" novalidate data-draft-key="test-long-form"
      data-draft-version="{{ version }}">
  {% csrf_token %}
  <div class="govuk-form-group">
    <label class="govuk-label" for="id_views">What the child said</label>
    <textarea class="govuk-textarea" id="id_views" name="views" rows="5"></textarea>
  </div>
  <div class="govuk-form-group">
    <label class="govuk-label" for="id_reviewer">Who will review it</label>
    <input class="govuk-input" id="id_reviewer" name="reviewer" type="text">
  </div>
  <fieldset class="govuk-fieldset">
    <legend class="govuk-fieldset__legend">Did the child attend?</legend>
    <div class="govuk-radios" data-module="govuk-radios">
      <div class="govuk-radios__item">
        <input class="govuk-radios__input" id="id_attended_yes" name="attended"
               type="radio" value="yes">
        <label class="govuk-label govuk-radios__label" for="id_attended_yes">Yes</label>
      </div>
      <div class="govuk-radios__item">
        <input class="govuk-radios__input" id="id_attended_no" name="attended"
               type="radio" value="no">
        <label class="govuk-label govuk-radios__label" for="id_attended_no">No</label>
      </div>
    </div>
  </fieldset>
  <button type="submit" class="govuk-button">Save</button>
</form>
{% endblock %}"""

DONE_PAGE = """{% extends "base.html" %}
{% block head_title %}Saved{% endblock %}
{% block content %}<h1 class="govuk-heading-l">Saved</h1>{% endblock %}"""


@login_required
def long_form(request):
    if request.method == "POST":
        STATE["saved"] = request.POST.dict()
        STATE["version"] += 1
        return redirect("/draft-test/done/")
    template = engines["django"].from_string(FORM_PAGE)
    return HttpResponse(template.render({"version": STATE["version"]}, request=request))


@login_required
def done(request):
    return HttpResponse(engines["django"].from_string(DONE_PAGE).render({}, request))


urlpatterns = [
    path("draft-test/", long_form),
    path("draft-test/done/", done),
    path("", include("pep_portal.urls")),
]
