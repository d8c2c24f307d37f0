"""Synthetic names for the demo district. Every person and school here is made up.

First and last names are drawn independently, so no name refers to a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

DISTRICT_NAME = "Riverbend Unified (demo)"
LARGE_DISTRICT_NAME = "Riverbend Unified (demo, large)"
EMAIL_DOMAIN = "riverbend-demo.example"  # .example is reserved: mail never leaves

# Fictional elementary schools (no school is named after a person).
SCHOOL_NAMES: tuple[str, ...] = (
    "Maple Grove Elementary",
    "Heron Pond Elementary",
    "Juniper Hill Elementary",
    "Copper Creek Elementary",
    "Foxglove Meadow Elementary",
    "Lantern Bay Elementary",
    "Birchwood Elementary",
    "Sparrow Lane Elementary",
    "Quarry Hill Elementary",
    "Orchard View Elementary",
    "Silver Brook Elementary",
    "Thistle Ridge Elementary",
    "Bluebell Park Elementary",
    "Kestrel Point Elementary",
    "Wren Valley Elementary",
    "Otter Creek Elementary",
)

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Adebayo", "Aiko", "Alejandro", "Amara", "Anika", "Arjun", "Aurelio", "Ayesha",
    "Beatriz", "Bodhi", "Camila", "Chidi", "Dalia", "Dario", "Delphine", "Desmond", "Elif",
    "Emeka", "Esme", "Farah", "Felix", "Freya", "Gabriel", "Hana", "Hugo", "Ibrahim", "Imani",
    "Ines", "Isaac", "Jada", "Jonah", "Kai", "Kalani", "Keanu", "Kenji", "Leila", "Liam",
    "Lucia", "Mateo", "Maya", "Mei", "Milan", "Nadia", "Naveen", "Niamh", "Nico", "Noor",
    "Oluwaseun", "Omar", "Oscar", "Priya", "Quinn", "Rafael", "Rania", "Rohan", "Rosa", "Ruby",
    "Samir", "Santiago", "Sofia", "Soren", "Tariq", "Thandiwe", "Theo", "Valentina", "Wen",
    "Ximena", "Yara", "Yusuf", "Zainab", "Zoe",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Abernathy", "Achebe", "Almeida", "Andersen", "Arslan", "Bautista", "Bellweather",
    "Castellanos", "Chowdhury", "Dalca", "Delacroix", "Ekwueme", "Fairbanks", "Farouk",
    "Fennimore", "Gallardo", "Halvorsen", "Hoshino", "Iyer", "Jovanovic", "Kaminski",
    "Kealoha", "Khoury", "Lindqvist", "Lowell", "Maalouf", "Marchetti", "Mwangi", "Nakamura",
    "Nwosu", "Oyelaran", "Pacheco", "Petrakis", "Quintero", "Rasmussen", "Reyes-Moreno",
    "Saarinen", "Sandoval", "Sato", "Szabo", "Takahashi", "Thorsby", "Umarov", "Valdivia",
    "Vasquez", "Wojcik", "Xiong", "Yamada", "Zapata", "Zielinski",
)  # fmt: skip

# Reasons a student is out of the classroom at a fixed weekly time.
UNAVAILABLE_REASONS: tuple[str, ...] = (
    "Reading intervention",
    "Speech therapy (SLP)",
    "English language development group",
    "Counseling group",
    "Math intervention",
)


@dataclass(frozen=True)
class Persona:
    """The fixed name and username of one demo login (so the README can name them)."""

    username: str
    first_name: str
    last_name: str


# The four demo logins of each size. Other staff get usernames from their school and room.
PERSONAS: dict[str, dict[str, Persona]] = {
    "small": {
        "provider": Persona(username="ot.rivera", first_name="Marisol", last_name="Rivera"),
        "teacher": Persona(username="teacher.park", first_name="Jun", last_name="Park"),
        "para": Persona(username="para.santos", first_name="Lena", last_name="Santos"),
        "admin": Persona(username="admin.ellis", first_name="Dana", last_name="Ellis"),
    },
    "large": {
        "provider": Persona(username="large.ot1", first_name="Tomasz", last_name="Brandt"),
        "teacher": Persona(username="large.teacher", first_name="Ada", last_name="Okonjo"),
        "para": Persona(username="large.para", first_name="Luis", last_name="Ferreira"),
        "admin": Persona(username="large.admin", first_name="Grace", last_name="Holloway"),
    },
}
