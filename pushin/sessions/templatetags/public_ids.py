"""`{{ obj.pk|pid }}`: a public id for a query string (paths use {% url %} and `<pid:...>`)."""

from django import template

from pushin.ids import encode_id

register = template.Library()


@register.filter
def pid(pk: int) -> str:
    return encode_id(int(pk))
