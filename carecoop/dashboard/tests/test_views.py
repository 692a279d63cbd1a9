def test_the_manager_sees_the_members_in_numbers_and_every_centre(world):
    page = world.client("manager").get("/c/home-coop/").content.decode()
    assert "Home Cooperative" in page
    assert "Member classes and their rights" in page
    assert "Home Centre One" in page and "Home Centre Two" in page
    assert "Secret Centre Zeta" not in page


def test_a_facilitator_sees_her_centre_and_no_member_counts(world):
    page = world.client("facilitator").get("/c/home-coop/").content.decode()
    assert "Home Centre One" in page and "Home Centre Two" not in page
    assert "Member classes and their rights" not in page


def test_another_cooperatives_dashboard_is_not_found(world):
    assert world.client("manager").get("/c/other-coop/").status_code == 404
