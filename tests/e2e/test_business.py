"""The WhatsApp Business tabs in a real browser (Debian's Chromium) against the live server
and the sandbox: labels, catalog, company profile, copy to numbers, and the disabled state."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from instances.business.models import Label
from sandbox.models import SandboxChat, SandboxTag
from tests.e2e.conftest import login, screenshot
from tests.instances.conftest import make_pair

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CUSTOMER = "5511988887777"


def test_labels_tab_sync_create_and_label_a_chat_from_the_conversation(
    page, live_url, partner, operator
):
    ours, box = make_pair(partner, connected=True)
    vip = SandboxTag.objects.create(instance=box, name="VIP", color=1)
    SandboxTag.objects.create(instance=box, name="Paid", color=5)
    SandboxChat.objects.create(instance=box, phone=CUSTOMER, tags=[str(vip.pk)])
    login(page, live_url, operator)
    page.goto(f"{live_url}/instances/instance/{ours.pk}/labels/")
    page.click("button:has-text('Sync from Z-API')")
    page.wait_for_selector("text=2 labels read from Z-API")
    assert page.inner_text(f"#label-{Label.objects.get(name='VIP').pk} .label-count") == "1"
    page.fill("#id_name", "New lead")
    page.check(".palette input[name=color][value='2']")
    page.click("button:has-text('Create at Z-API')")
    page.wait_for_selector("td.label-name:has-text('New lead')")
    assert SandboxTag.objects.filter(instance=box, name="New lead", color=2).exists()
    screenshot(page, "business-labels")

    page.goto(f"{live_url}/messaging/message/conversation/{ours.pk}/{CUSTOMER}/")
    page.select_option("#id_add_label", label="New lead")
    page.click(".label-add button")
    page.wait_for_selector(".label-chip:has-text('New lead')")
    new = Label.objects.get(name="New lead")
    assert str(new.label_id) in SandboxChat.objects.get(instance=box, phone=CUSTOMER).tags
    screenshot(page, "business-conversation-labels")


def test_business_tabs_are_disabled_on_a_non_business_number(page, live_url, partner, operator):
    ours, _box = make_pair(partner, connected=True)
    ours.settings_snapshot = {"device": {"isBusiness": False}}
    ours.save()
    login(page, live_url, operator)
    page.goto(f"{live_url}/instances/instance/{ours.pk}/overview/")
    tab = page.locator(".instance-tabs .tab-disabled", has_text="Labels")
    assert tab.get_attribute("aria-disabled") == "true"
    assert "multi-device" in tab.get_attribute("title")
    assert page.is_visible(".tabs-note")
    screenshot(page, "business-disabled-tabs")


# A 2x2 red PNG: the product picture uploaded through the page and served by us.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
    "0000001649444154789c63f8cfc0f09f8181e13f030303001ef004fd4d6a2c3a00"
    "00000049454e44ae426082"
)


def test_catalog_tab_create_a_product_with_a_picture_a_collection_and_send_it(
    page, live_url, partner, operator
):
    from instances.business.models import Collection, Product
    from messaging.models import Message
    from sandbox.models import SandboxCollection, SandboxProduct

    ours, box = make_pair(partner, connected=True)
    ours.phone = box.phone
    ours.save()
    login(page, live_url, operator)
    page.goto(f"{live_url}/instances/instance/{ours.pk}/catalog/")
    page.click("a:has-text('New product')")
    page.fill("#id_name", "Ceramic mug")
    page.fill("#id_description", "Hand made, 300 ml")
    page.fill("#id_price", "45")
    page.fill("#id_retailer_id", "MUG-1")
    assert "does not say their unit" in page.inner_text("#content")  # the price's help text
    screenshot(page, "business-product-form")
    page.set_input_files("#id_upload", files=[{"name": "mug.png", "mimeType": "image/png",
                                               "buffer": PNG}])  # fmt: skip
    page.click("button:has-text('Save at Z-API')")
    page.wait_for_selector("td.product-name:has-text('Ceramic mug')")
    assert page.inner_text("td.product-price") == "BRL 45 (Z-API's number)"
    assert "does not say their unit" in page.inner_text(".price-note")
    remote = SandboxProduct.objects.get(instance=box)
    assert remote.data["images"][0].startswith(live_url)  # served by us
    # The thumbnail really loads (same origin, no mixed content). Waited for until the
    # browser is done with it (loaded or broken): read at once it raced the download.
    # (expect polls from outside the page: the page's CSP forbids the string eval that
    # wait_for_function would need once the first look says "not yet".)
    expect(page.locator("td.product-thumb img")).to_have_js_property("complete", True)
    width = page.eval_on_selector("td.product-thumb img", "img => img.naturalWidth")
    assert width == 2
    page.fill("#id_name", "Kitchen")
    page.select_option("#id_products", label="Ceramic mug")
    page.click("button:has-text('Create at Z-API')")
    page.wait_for_selector(".collection-products:has-text('Ceramic mug')")
    assert SandboxCollection.objects.get(instance=box).product_ids == [remote.product_id]
    assert Collection.objects.get(instance=ours).name == "Kitchen"
    screenshot(page, "business-catalog")

    product = Product.objects.get(instance=ours)
    page.click(f"#product-{product.pk} a:has-text('Send')")
    page.wait_for_selector("[name=product_id]")
    assert page.input_value("[name=kind]") == "product"
    assert page.is_visible("[name=product_id]") and not page.is_visible("[name=message]")
    page.fill("[name=chat_id]", "5511988887777")
    screenshot(page, "business-send-product")
    page.click("input[type=submit][value='Queue message']")
    page.wait_for_url("**/conversation/**/5511988887777/")
    message = Message.objects.get(instance=ours)
    assert message.endpoint == "send_product"
    assert message.payload["productId"] == product.product_id


def test_company_profile_page_search_a_category_save_and_see_the_checklist(
    page, live_url, partner, operator
):
    ours, box = make_pair(partner, connected=True)
    ours.settings_snapshot = {"device": {"isBusiness": True, "name": "Café Sol", "imgUrl": ""}}
    ours.save()
    login(page, live_url, operator)
    page.goto(f"{live_url}/instances/instance/{ours.pk}/company/")
    assert page.locator(".checklist li[data-done='0']").count() == 4
    page.fill("#id_description", "Coffee, cake and a quiet table")
    page.fill("#id_email", "hello@cafesol.example")
    page.fill("#id_website_1", "https://cafesol.example")
    page.select_option("#id_timezone", "America/Sao_Paulo")
    for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"):
        page.fill(f"#id_{day}_open", "08:00")
        page.fill(f"#id_{day}_close", "18:00")
    page.fill("#category-search", "rest")
    page.wait_for_selector("#category-results input[value='restaurant|Restaurant']")
    page.check("#category-results input[value='restaurant|Restaurant']")
    page.click("button:has-text('Save at Z-API')")
    page.wait_for_selector(".answers tr.ok")
    box.refresh_from_db()
    assert box.data["company"]["business_categories"] == ["restaurant"]
    assert len(box.data["company"]["business_hours"]["days"]) == 5
    # photo is the one item left: it comes from the phone (Settings, then a refresh)
    assert page.locator(".checklist li[data-done='0']").count() == 1
    screenshot(page, "business-company")


def test_copy_profile_and_labels_to_three_numbers_with_live_progress(
    page, live_url, partner, operator, celery_workers, monkeypatch
):
    from instances.business.labels import label_create
    from instances.business.profile import CompanyProfile, company_profile_save
    from sandbox.services import instance_tune

    monkeypatch.setenv("BUSINESS_COPY_PACE_SECONDS", "0.5")
    celery_workers.start(1)
    source, _ = make_pair(partner, connected=True)
    source.name = "Main shop"
    source.save()
    label_create(instance=source, name="New lead", color=2)
    label_create(instance=source, name="Paid", color=5)
    company_profile_save(instance=source, profile=CompanyProfile(
        description="Coffee and cake", email="hi@example.com", address="", websites=[],
        hours={}, categories=[{"id": "restaurant", "displayName": "Restaurant"}]))  # fmt: skip
    targets = []
    for n in range(4):
        ours, box = make_pair(partner, connected=True)
        ours.name = f"Branch {n + 1}"
        ours.save()
        targets.append((ours, box))
    instance_tune(instance=targets[3][1], faults={"error_share": 1.0})
    plain, _ = make_pair(partner, connected=True)
    plain.name = "Personal phone"
    plain.settings_snapshot = {"device": {"isBusiness": False}}
    plain.save()

    login(page, live_url, operator)
    page.goto(f"{live_url}/instances/instance/{source.pk}/labels/")
    page.click("a:has-text('Copy to other numbers')")
    assert page.is_checked("input[name=parts][value=labels]")
    page.check("input[name=parts][value=profile]")
    assert page.is_disabled(f"input[name=targets][value='{plain.pk}']")
    for ours, _box in targets:
        page.check(f"input[name=targets][value='{ours.pk}']")
    page.click("button:has-text('Start the copy')")
    page.wait_for_selector("#copy-progress[data-state=done]", timeout=90_000)
    assert page.locator(".copy-report tr[data-ok='1']").count() == 3
    assert page.locator(".copy-report tr[data-ok='0']").count() == 1
    assert "500" in page.inner_text(f".copy-report tr[data-target='{targets[3][0].pk}']")
    for _ours, box in targets[:3]:
        assert sorted(SandboxTag.objects.filter(instance=box).values_list("name", flat=True)) == [
            "New lead", "Paid"
        ]  # fmt: skip
    screenshot(page, "business-copy")


def test_label_from_the_contact_page_and_in_bulk_from_the_contact_list(
    page, live_url, partner, operator
):
    from instances.business.labels import label_create
    from messaging.models import Contact

    ours, box = make_pair(partner, connected=True)
    paid = label_create(instance=ours, name="Paid", color=5).value
    ana = Contact.objects.create(partner=partner, phone=CUSTOMER, name="Ana")
    bia = Contact.objects.create(partner=partner, phone="5511977776666", name="Bia")
    login(page, live_url, operator)
    page.goto(f"{live_url}/messaging/contact/{ana.pk}/change/")
    page.select_option("#id_contact_label", label="Paid")
    page.click("#contact-labels .label-add button")
    page.wait_for_selector("#contact-labels .label-chip:has-text('Paid')")
    assert SandboxChat.objects.get(instance=box, phone=CUSTOMER).tags == [paid.label_id]
    screenshot(page, "business-contact-labels")

    page.goto(f"{live_url}/messaging/contact/")
    for contact in (ana, bia):
        page.check(f"input[name=_selected_action][value='{contact.pk}']")
    page.select_option("select[name=action]", value="contacts_label_action")
    page.click("button[name=index]")
    page.wait_for_selector("text=Label the chats of 2 contacts")
    screenshot(page, "business-contacts-label-bulk")
    page.select_option("select[name=on]", value="remove")
    page.click("button:has-text('Apply')")
    page.wait_for_selector("text=2 of 2 chats done")
    assert SandboxChat.objects.get(instance=box, phone=CUSTOMER).tags == []
    screenshot(page, "business-contacts-label-bulk-done")
