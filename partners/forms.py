"""Forms of the partner pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Customer, Partner, RegistrationMethod
from partners.numbers import CODE_LANGUAGES


class PartnerCustomerMixin:
    """A ``customer`` field offering only the partner's own customers."""

    def _customers_of(self, partner: Partner) -> None:
        field = self.fields["customer"]  # type: ignore[attr-defined]
        field.queryset = Customer.objects.filter(partner=partner)


class ProvisionForm(PartnerCustomerMixin, forms.Form):
    """The on-demand body (spec 001, "Partners > Creating an instance"), in words."""

    name = forms.CharField(label=_("Instance name"), max_length=120)
    session_name = forms.CharField(
        label=_("Session name"),
        max_length=60,
        required=False,
        help_text=_("What WhatsApp shows under connected devices."),
    )
    kind = forms.ChoiceField(
        label=_("Connection"),
        choices=[
            ("web", _("Web (pair with a QR code)")),
            ("mobile", _("Mobile (register a number on the instance)")),
        ],
        initial="web",
        widget=forms.RadioSelect,
    )
    business = forms.ChoiceField(
        label=_("WhatsApp version"),
        choices=[("business", _("WhatsApp Business")), ("standard", _("Standard WhatsApp"))],
        initial="business",
        widget=forms.RadioSelect,
    )
    call_reject_auto = forms.BooleanField(label=_("Reject calls automatically"), required=False)
    call_reject_message = forms.CharField(
        label=_("Message after rejecting a call"), max_length=500, required=False
    )
    auto_read_message = forms.BooleanField(label=_("Mark messages read automatically"),
                                           required=False)  # fmt: skip
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False
    )

    def __init__(self, *args: Any, partner: Partner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._customers_of(partner)


class CustomerChoiceForm(PartnerCustomerMixin, forms.Form):
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False
    )

    def __init__(self, *args: Any, partner: Partner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._customers_of(partner)


class RegisterNumberForm(forms.Form):
    """registerNumber (spec 003): the number, SMS or voice, the language, a comment."""

    whatsapp = forms.CharField(
        label=_("Number"),
        max_length=20,
        help_text=_("Digits with the country code, no + (e.g. 5511987654321)."),
    )
    method = forms.TypedChoiceField(
        label=_("Send the code by"),
        choices=RegistrationMethod.choices,
        coerce=int,
        initial=RegistrationMethod.SMS,
        widget=forms.RadioSelect,
        help_text=_("SMS is the more stable way when both work."),
    )
    language = forms.ChoiceField(label=_("Language of the code"), choices=CODE_LANGUAGES)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=100,
        required=False,
        help_text=_("At most 100 letters and digits."),
    )


class VerifyCodeForm(forms.Form):
    code = forms.CharField(label=_("6-digit code"), max_length=9)
