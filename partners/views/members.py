"""The members page of a partner: who may use the dashboard for it, in which role.

A partner admin (``Capability.MANAGE_MEMBERS`` at that partner) invites, changes roles and
removes members without staff rights; another partner is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditAction
from audit.services import audit_record, request_ip
from partners.models import Membership, Partner
from partners.roles import CAPABILITIES, Capability, Role
from partners.scoping import user_can
from partners.services import member_invite, member_remove, member_role_change


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)


def _partner(request: HttpRequest, partner_id: int) -> Partner:
    partner = get_object_or_404(Partner.objects.for_user(request.user), pk=partner_id)
    if not user_can(request.user, Capability.MANAGE_MEMBERS, partner):
        raise PermissionDenied
    return partner


def members(request: HttpRequest, partner_id: int, model_admin: Any) -> HttpResponse:
    partner = _partner(request, partner_id)
    invite = InviteForm(request.POST or None)
    if request.method == "POST" and invite.is_valid():
        try:
            member = member_invite(
                partner=partner,
                email=invite.cleaned_data["email"],
                role=Role(invite.cleaned_data["role"]),
            )
        except ValidationError as exc:
            invite.add_error(None, exc)
        else:
            _audit(request, AuditAction.MEMBER_INVITE, member)
            messages.success(
                request,
                _("%(email)s invited: an email is on its way.") % {"email": member.user.email},
            )
            return HttpResponseRedirect(request.path)
    rows = (
        Membership.objects.filter(partner=partner).select_related("user").order_by("user__username")
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Partner._meta,
        "title": _("Members of %(partner)s") % {"partner": partner.name},
        "partner": partner,
        "rows": [(m, RoleForm(initial={"role": m.role}, prefix=str(m.pk))) for m in rows],
        "invite": invite,
        "roles": [
            (role.label, [str(c.label) for c in Capability if c in CAPABILITIES[role]])
            for role in Role
        ],
    }
    return TemplateResponse(request, "partners/members.html", context)


def member_action(
    request: HttpRequest, partner_id: int, membership_id: int, action: str, model_admin: Any
) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    partner = _partner(request, partner_id)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, partner=partner
    )
    try:
        if action == "remove":
            member_remove(membership=membership)
            _audit(request, AuditAction.MEMBER_REMOVE, membership)
            messages.success(request, _("%(user)s removed.") % {"user": membership.user})
        else:
            form = RoleForm(request.POST, prefix=str(membership.pk))
            if form.is_valid():
                before = str(membership.get_role_display())
                changed = member_role_change(
                    membership=membership, role=Role(form.cleaned_data["role"])
                )
                _audit(request, AuditAction.MEMBER_ROLE, changed, before=before)
                messages.success(
                    request, _("Role of %(user)s changed.") % {"user": membership.user}
                )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(reverse("admin:partners_partner_members", args=[partner.pk]))


def _audit(request: HttpRequest, action: AuditAction, member: Membership, **details: str) -> None:
    audit_record(
        actor=request.user, partner=member.partner, action=action,
        target=member.user.get_username(), ip=request_ip(request),
        details={"role": str(member.get_role_display()), **details},
    )  # fmt: skip
