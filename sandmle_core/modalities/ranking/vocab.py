"""The ranking vocabularies: what a query, a candidate item and a relevance grade are in each hosting domain.

A vocabulary names the search or recommendation log of one catalog domain (its key), the query and the item, what
the four relevance grades mean, the item id column, and nine public columns — query columns (two taste signals and a
budget), item columns (two profile signals, a popularity count and a price) and pair columns (a match score and a
distance) — each with its unit, range and meaning. Which latent a column shows is the drafter's business
(`RankFeature.source`); the wording here never says how a column enters the relevance.

Kept in this package rather than in `catalog/domains.yaml` so that the catalog's schema stays untouched by one
family: `hosts` asks `VOCABS` whether a domain has a ranking vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["VOCABS", "RankColumn", "RankVocab"]


@dataclass(frozen=True)
class RankColumn:
    """One public column: where it lives (query / item / pair), the latent it shows, its unit, range and meaning."""

    name: str
    where: str
    source: str
    dim: int
    unit: str | None
    low: float
    high: float
    description: str
    kind: str = "numeric"


@dataclass(frozen=True)
class RankVocab:
    """What one domain's ranking task is made of."""

    log: str  # "its product-search log", as the story names it
    query: str  # what one query is
    item: str  # what one candidate item is
    item_column: str
    grades: tuple[str, str, str, str]  # what relevance 0, 1, 2 and 3 mean
    columns: tuple[RankColumn, ...]

    @property
    def plural(self) -> str:
        """The items' plural noun, from the item id column: `itinerary_id` → "itineraries"."""
        stem = self.item_column.removesuffix("_id")
        return stem[:-1] + "ies" if stem.endswith("y") else stem + "s"


def _c(name: str, where: str, source: str, unit: str | None, low: float, high: float, description: str,
       dim: int = 0, kind: str = "numeric") -> RankColumn:
    return RankColumn(name, where, source, dim, unit, low, high, description, kind)


VOCABS: dict[str, RankVocab] = {
    "ecommerce_returns": RankVocab(
        "its product-search log", "a shopper's search session", "a product shown in the results", "product_id",
        ("ignored", "clicked", "added to the basket", "bought and kept"),
        (_c("style_formality", "query", "taste", None, 0, 10, "how formal the styles the shopper browsed were, 0-10"),
         _c("colour_boldness", "query", "taste", None, 0, 10, "how bold the colours the shopper browsed were, 0-10",
            1),
         _c("budget_level", "query", "budget", "EUR", 10, 300, "median price of the shopper's past orders"),
         _c("cut_formality", "item", "profile", None, 0, 10, "formality of the product's cut, 0-10"),
         _c("palette_boldness", "item", "profile", None, 0, 10, "boldness of the product's palette, 0-10", 1),
         _c("review_count", "item", "popularity", "reviews", 0, 5000, "reviews the product has", kind="integer"),
         _c("price", "item", "price", "EUR", 5, 400, "the product's price"),
         _c("text_match", "pair", "match", None, 0, 1, "lexical match of the search words and the product title"),
         _c("size_gap", "pair", "distance", "sizes", 0, 6, "sizes between the shopper's usual size and the "
                                                           "nearest one in stock"))),
    "store_sales": RankVocab(
        "its online grocery recommendations", "a customer's weekly basket session", "a product offered as a "
        "suggestion", "article_id", ("ignored", "viewed", "added once", "added and reordered"),
        (_c("organic_share", "query", "taste", "%", 0, 100, "share of organic products in the customer's baskets"),
         _c("fresh_share", "query", "taste", "%", 0, 100, "share of fresh produce in the customer's baskets", 1),
         _c("basket_value", "query", "budget", "EUR", 10, 250, "the customer's mean basket value"),
         _c("organic_score", "item", "profile", None, 0, 10, "how organic the product line is, 0-10"),
         _c("freshness_score", "item", "profile", None, 0, 10, "how perishable the product is, 0-10", 1),
         _c("weekly_buyers", "item", "popularity", "customers", 0, 8000, "customers buying it per week",
            kind="integer"),
         _c("unit_price", "item", "price", "EUR", 0.3, 40, "the product's price"),
         _c("category_affinity", "pair", "match", None, 0, 1, "similarity of the product's category to the basket"),
         _c("aisle_distance", "pair", "distance", "aisles", 0, 30, "aisles between the product and the customer's "
                                                                   "usual route")),
    ),
    "online_learning": RankVocab(
        "its course-recommendation log", "a learner's catalogue visit", "a course recommended on the page",
        "course_id", ("ignored", "opened", "enrolled", "enrolled and finished"),
        (_c("math_level", "query", "taste", None, 0, 10, "mathematical level of the learner's past courses, 0-10"),
         _c("practice_preference", "query", "taste", "%", 0, 100, "share of hands-on courses the learner took", 1),
         _c("weekly_hours", "query", "budget", "h", 1, 20, "hours per week the learner studied so far"),
         _c("course_math_level", "item", "profile", None, 0, 10, "mathematical level of the course, 0-10"),
         _c("project_share", "item", "profile", "%", 0, 100, "share of the course spent on projects", 1),
         _c("enrolments", "item", "popularity", "learners", 0, 20000, "learners enrolled so far", kind="integer"),
         _c("workload", "item", "price", "h/week", 1, 25, "the course's stated weekly workload"),
         _c("topic_similarity", "pair", "match", None, 0, 1, "similarity of the course topics to the learner's "
                                                             "history"),
         _c("language_gap", "pair", "distance", None, 0, 3, "steps between the learner's language level and the "
                                                            "course's"))),
    "streaming_service": RankVocab(
        "its playlist-continuation log", "a listener's playlist session", "a track suggested for the playlist",
        "track_id", ("skipped", "played partly", "played to the end", "saved to the playlist"),
        (_c("energy_taste", "query", "taste", None, 0, 1, "mean energy of the playlist's tracks"),
         _c("acoustic_taste", "query", "taste", None, 0, 1, "mean acousticness of the playlist's tracks", 1),
         _c("session_minutes", "query", "budget", "min", 5, 240, "length of the listening session so far"),
         _c("track_energy", "item", "profile", None, 0, 1, "energy of the track"),
         _c("track_acousticness", "item", "profile", None, 0, 1, "acousticness of the track", 1),
         _c("monthly_plays", "item", "popularity", "plays", 0, 100000, "plays of the track last month",
            kind="integer"),
         _c("duration", "item", "price", "min", 1.5, 12, "the track's duration"),
         _c("genre_overlap", "pair", "match", None, 0, 1, "overlap of the track's genre tags with the playlist's"),
         _c("tempo_gap", "pair", "distance", "bpm", 0, 60, "tempo difference to the playlist's last track"))),
    "news_publisher": RankVocab(
        "its article-recommendation log", "a reader's visit to the front page", "an article recommended in the "
        "reader's feed", "article_id", ("not opened", "opened", "read halfway", "read to the end"),
        (_c("politics_interest", "query", "taste", "%", 0, 100, "share of politics among the reader's reads"),
         _c("longform_interest", "query", "taste", "%", 0, 100, "share of long reads among the reader's reads", 1),
         _c("visit_minutes", "query", "budget", "min", 1, 60, "the reader's mean visit length"),
         _c("politics_score", "item", "profile", None, 0, 10, "how political the article is, 0-10"),
         _c("word_count", "item", "profile", "words", 200, 6000, "length of the article", 1, "integer"),
         _c("shares_today", "item", "popularity", "shares", 0, 20000, "shares of the article today",
            kind="integer"),
         _c("age_hours", "item", "price", "h", 0, 72, "hours since publication"),
         _c("topic_similarity", "pair", "match", None, 0, 1, "similarity of the article's topics to the reader's "
                                                             "history"),
         _c("region_distance", "pair", "distance", "km", 0, 2000, "distance between the reader and the place the "
                                                                  "story is about"))),
    "hotel_bookings": RankVocab(
        "its hotel-search log", "a traveller's search for a stay", "a hotel listed in the results", "hotel_id",
        ("not clicked", "clicked", "saved", "booked"),
        (_c("luxury_preference", "query", "taste", None, 0, 5, "star level the traveller usually books"),
         _c("family_trip", "query", "taste", None, 0, 1, "how family-oriented the traveller's past trips were", 1),
         _c("nightly_budget", "query", "budget", "EUR", 40, 600, "the traveller's usual nightly spend"),
         _c("star_rating", "item", "profile", "stars", 1, 5, "the hotel's star rating"),
         _c("family_rooms_share", "item", "profile", "%", 0, 100, "share of family rooms", 1),
         _c("review_count", "item", "popularity", "reviews", 0, 12000, "guest reviews of the hotel", kind="integer"),
         _c("nightly_price", "item", "price", "EUR", 30, 800, "the price of a night"),
         _c("location_score", "pair", "match", None, 0, 1, "how well the hotel's area fits the search's landmarks"),
         _c("distance_km", "pair", "distance", "km", 0, 25, "distance to the searched destination"))),
    "food_delivery": RankVocab(
        "its restaurant-ranking log", "a customer opening the app at meal time", "a restaurant shown on the home "
        "screen", "restaurant_id", ("scrolled past", "opened the menu", "ordered once", "ordered and rated well"),
        (_c("spice_taste", "query", "taste", None, 0, 10, "spiciness of the customer's past orders, 0-10"),
         _c("healthy_taste", "query", "taste", "%", 0, 100, "share of salads and bowls in past orders", 1),
         _c("order_budget", "query", "budget", "EUR", 8, 80, "the customer's mean order value"),
         _c("menu_spiciness", "item", "profile", None, 0, 10, "spiciness of the restaurant's menu, 0-10"),
         _c("healthy_share", "item", "profile", "%", 0, 100, "share of healthy dishes on the menu", 1),
         _c("orders_last_week", "item", "popularity", "orders", 0, 6000, "orders the restaurant served last week",
            kind="integer"),
         _c("mean_dish_price", "item", "price", "EUR", 4, 60, "mean price of a main dish"),
         _c("cuisine_match", "pair", "match", None, 0, 1, "similarity of the cuisine to the customer's favourites"),
         _c("delivery_minutes", "pair", "distance", "min", 5, 90, "estimated delivery time"))),
    "housing_market": RankVocab(
        "its property-search log", "a buyer's saved search", "a listing shown in the results", "listing_id",
        ("not opened", "opened", "saved", "viewing booked"),
        (_c("space_need", "query", "taste", "m2", 20, 250, "floor area the buyer filtered for"),
         _c("garden_wish", "query", "taste", None, 0, 1, "how often the buyer opened listings with gardens", 1),
         _c("max_budget", "query", "budget", "kEUR", 80, 1500, "the buyer's price ceiling"),
         _c("floor_area", "item", "profile", "m2", 20, 300, "the listing's floor area"),
         _c("garden_area", "item", "profile", "m2", 0, 800, "the listing's garden area", 1),
         _c("page_views", "item", "popularity", "views", 0, 9000, "views of the listing so far", kind="integer"),
         _c("asking_price", "item", "price", "kEUR", 60, 2000, "the asking price"),
         _c("description_match", "pair", "match", None, 0, 1, "match of the listing text with the search's "
                                                               "keywords"),
         _c("commute_minutes", "pair", "distance", "min", 0, 120, "commute to the buyer's workplace"))),
    "ride_hailing": RankVocab(
        "its driver-dispatch log", "a rider's trip request", "a nearby driver offered the trip", "driver_id",
        ("declined", "accepted late", "accepted", "accepted and rated five stars"),
        (_c("comfort_taste", "query", "taste", None, 0, 10, "vehicle comfort the rider usually chose, 0-10"),
         _c("quiet_preference", "query", "taste", None, 0, 1, "how often the rider asked for a quiet ride", 1),
         _c("fare_estimate", "query", "budget", "EUR", 4, 120, "the request's estimated fare"),
         _c("vehicle_comfort", "item", "profile", None, 0, 10, "the vehicle's comfort class, 0-10"),
         _c("quiet_ride_share", "item", "profile", "%", 0, 100, "share of the driver's rides marked quiet", 1),
         _c("completed_trips", "item", "popularity", "trips", 0, 15000, "trips the driver completed",
            kind="integer"),
         _c("surge_multiplier", "item", "price", None, 1, 3, "the driver's zone surge multiplier"),
         _c("route_overlap", "pair", "match", None, 0, 1, "overlap of the driver's heading with the trip's route"),
         _c("pickup_minutes", "pair", "distance", "min", 1, 30, "minutes to the pickup point"))),
    "airline_delays": RankVocab(
        "its flight-search log", "a traveller's flight search", "an itinerary in the search results",
        "itinerary_id", ("not clicked", "clicked", "held the fare", "booked"),
        (_c("cabin_preference", "query", "taste", None, 0, 3, "cabin class the traveller usually books (0-3)"),
         _c("direct_preference", "query", "taste", None, 0, 1, "share of the traveller's past trips flown direct",
            1),
         _c("fare_budget", "query", "budget", "EUR", 50, 3000, "the traveller's usual fare"),
         _c("cabin_level", "item", "profile", None, 0, 3, "cabin class of the itinerary (0-3)"),
         _c("stops", "item", "profile", None, 0, 3, "stops on the itinerary", 1, "integer"),
         _c("bookings_last_month", "item", "popularity", "bookings", 0, 3000, "bookings of this itinerary last "
                                                                              "month", kind="integer"),
         _c("fare", "item", "price", "EUR", 30, 4000, "the fare"),
         _c("schedule_fit", "pair", "match", None, 0, 1, "fit of the departure time to the searched window"),
         _c("extra_hours", "pair", "distance", "h", 0, 24, "hours longer than the fastest itinerary"))),
    "office_leasing": RankVocab(
        "its office-matching log", "a company's office enquiry", "an office space suggested by the broker",
        "space_id", ("rejected", "viewed online", "visited", "shortlisted"),
        (_c("headcount", "query", "taste", "people", 5, 500, "staff the company needs to seat", kind="integer"),
         _c("prestige_wish", "query", "taste", None, 0, 10, "prestige of the company's current address, 0-10", 1),
         _c("rent_budget", "query", "budget", "EUR/m2", 10, 60, "the company's rent ceiling"),
         _c("desk_capacity", "item", "profile", "desks", 5, 600, "desks the space holds", kind="integer"),
         _c("building_grade", "item", "profile", None, 0, 10, "grade of the building, 0-10", 1),
         _c("enquiries", "item", "popularity", "enquiries", 0, 400, "enquiries about the space so far",
            kind="integer"),
         _c("rent", "item", "price", "EUR/m2", 8, 80, "monthly rent per square metre"),
         _c("amenity_match", "pair", "match", None, 0, 1, "match of the space's amenities with the enquiry"),
         _c("transit_minutes", "pair", "distance", "min", 0, 60, "walk to the company's preferred transit hub"))),
}
