"""The words the discovery rules know: titles, organisation and place heads, particles, and
the common words whose capital proves nothing. Each list says in its comment what it decides."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that are capitalised only because they start a sentence or a headline.
STOP_WORDS = words(
    """a about above according across after afterwards against ago all almost along already
    also although always am amid among an and another any anyone anything are around as at
    back be because been before behind being below beside besides between beyond both but by
    can cannot could despite did do does doing done down during each earlier either else even
    ever every except few finally first following for former from further furthermore had has
    have having he hence her here hers herself him himself his how however i if in including
    indeed inside instead into is it its itself just last later latest least less let like
    many may maybe me meanwhile might mine more moreover most much must my myself near
    neither never nevertheless next no none nonetheless nor not nothing now of off often on
    once one only onto or other others otherwise our ours ourselves out outside over own
    per perhaps please quite rather read recently regarding same second several shall she
    should since so some someone something sometimes soon still such than that the their
    theirs them themselves then there therefore these they third this those though through
    throughout thus to today together tomorrow tonight too toward towards under unless unlike
    until up upon us very via was we well were what whatever when whenever where whereas
    wherever whether which while who whoever whom whose why will with within without would
    yes yesterday yet you your yours yourself yourselves
    two three four five six seven eight nine ten eleven twelve twenty hundred thousand million
    january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday"""
)
# Never a name however they are written (May is kept apart: "Theresa May").
MONTHS_AND_DAYS = words(
    """January February March April June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday"""
)
# Titles and honorifics that put a person's name after them ("Gen.", "Mrs", "President").
TITLES = words(
    """Mr Mrs Ms Miss Mister Madam Mme Dr Doctor Prof Professor Sir Dame Lord Lady
    Gen General Col Colonel Lt Lieutenant Capt Captain Maj Major Sgt Sergeant Cpl Corporal
    Adm Admiral Brig Brigadier Cmdr Commander Cdr Marshal Ambassador Envoy Minister President
    Premier Chancellor Secretary Senator Sen Rep Representative Congressman Congresswoman
    Governor Gov Mayor Judge Justice Sheikh Shaikh Sheik Ayatollah Ayatullah Imam Mullah
    Hojatoleslam King Queen Prince Princess Emir Amir Sultan Pope Cardinal Bishop Archbishop
    Reverend Rev Father Rabbi Chairman Chairwoman Chief Spokesman Spokeswoman Spokesperson
    Deputy Coach Manager Director Hajj Haji Mufti Saint Democrat Republican"""
)
# Second words of a minister's portfolio ("Minister of Foreign Affairs ...").
PORTFOLIO_TAILS = words("Affairs Security Development Relations Defence Defense")
# Abbreviated titles written with a full stop that does not end the sentence.
TITLE_ABBREVIATIONS = words(
    """Mr Mrs Ms Dr Prof Gen Col Lt Capt Maj Sgt Cpl Adm Brig Cmdr Cdr Sen Rep Gov Rev
    Jr Sr St Mt Ft No Gens Messrs Hon Pres Supt Insp Det"""
)
# Lower-case nouns that put a person's name right after them ("representative Anne Singleton").
ROLE_NOUNS = words(
    """spokesman spokeswoman spokesperson representative envoy ambassador minister president
    premier chancellor secretary senator governor mayor judge leader chairman chairwoman chief
    director coach manager captain striker midfielder defender goalkeeper forward winger
    batsman bowler pitcher player champion seed driver rider runner sprinter boxer colleague
    teammate compatriot countryman opponent rival candidate challenger official officer
    commander general colonel analyst economist strategist lawyer attorney prosecutor
    professor author writer journalist correspondent editor columnist reporter photographer
    actor actress singer star veteran newcomer rookie wife husband son daughter father mother
    brother sister widow dissident activist cleric aide adviser advisor negotiator mediator
    founder owner boss executive banker scientist researcher doctor suspect defendant witness
    dr mr mrs ms"""
)
# Lower-case nouns that make the single name right before them an organisation.
MEMBER_NOUNS = words(
    """spokesman spokeswoman spokesperson representative official member leader leadership
    chairman chief director founder shares stock shareholders headquarters subsidiary
    chief-executive secretary-general newspaper daily weekly magazine agency news company firm
    group team club movement airline carrier conglomerate consortium brokerage chain retailer
    maker manufacturer insurer lender broadcaster network"""
)
# Verbs after a name that make a single unknown name a person ("Zebari said").
PERSON_VERBS = words(
    """said says told added wrote asked explained stated argued insisted noted warned claimed
    replied recalled admitted acknowledged conceded suggested urged complained predicted
    testified commented remarked observed believes thinks hopes feels knows smiled laughed
    who whose"""
)
# Heads of organisation names.
ORG_WORDS = words(
    """Foundation Foundations Council Ministry Organization Organisation Committee Agency
    Department Commission Party Union Association Institute Institution University College
    School Academy Bank Corporation Corp Inc Incorporated Ltd Limited Plc PLC LLC Co Company
    Companies Group Army Navy Forces Front Movement League Court Parliament Congress Senate
    Assembly Office Fund Network Society Federation Authority Service Services Press News
    Times Post Journal Herald Tribune Gazette Telegraph Guardian Observer Daily Radio
    Television Broadcasting Agency Airlines Airways Railways Motors Industries Holdings
    Bureau Board Cabinet Government Administration Directorate Secretariat Alliance
    Coalition Brigade Brigades Regiment Battalion Division Police Guard Guards Tribunal
    Center Centre Trust Partners Bancorp Securities Exchange Club United Rovers
    Wanderers Athletic Olympic Commerce Chamber Church Mission Consulate Embassy Mujahedeen
    Mojahedin Mujahideen Hezbollah Taliban Brotherhood Council Caucus Conference Syndicate
    Cooperative Consortium Institute Laboratories Labs Systems Technologies Enterprises Inc.
    Corp. Co. Cos. Ltd. Bros. Plc. Assn. Dept. Bros Cos Electric Electronics Chemical Chemicals
    Medical Mining Foods Pharmaceutical Communications Telecom Telecommunications Software
    Cement Textiles Shipping Capital Ventures Investments Financial Bancshares Savings Realty
    Properties Hospitality Hotels Resorts Media Publishing Entertainment Studios Pictures
    Records Newsroom Newsdesk International Insurance Energy Petroleum Oil Steel
    Pharmaceuticals Treasury Reserve"""
)
# Heads of the names of events, laws and the like, which are none of the three types.
EVENT_WORDS = words(
    """Cup Open Classic Championship Championships Games Olympics Olympiad Series Trophy Tour
    Prix Prize Award Awards Festival Day Days War Marathon Masters Tournament Act Treaty Accord
    Accords Agreement Index Amendment Declaration Bowl Stakes Expo Summit Week"""
)
# Abbreviated organisation words written with their full stop ("Barnett Banks Inc.").
ORG_ABBREVIATIONS = words("Inc Corp Co Cos Ltd Bros Plc Inc Assn Dept")
# Place-name heads: "Camp Ashraf", "Anbar Province", "Balad Air Base".
PLACE_PREFIXES = words("Camp Fort Mount Mt Lake Cape Port Gulf Isle Bay")
PLACE_SUFFIXES = words(
    """Province Governorate District County Region Prefecture Valley River Island Islands
    Mountains Mountain Hills Street Square Avenue Road Airport Base Bay Sea Ocean Gulf Strait
    Peninsula Desert Lake Canal Coast Heights Plain Plateau Basin Delta Oblast Territory
    Territories Emirate Emirates Republic Kingdom State States Strip Bank Park Stadium Course
    Prison Bridge Palace Hotel Motel Falls"""
)
# Natural features named by one capitalised word after "the": "the Gulf", "the Channel".
FEATURES = words("Gulf Sea Ocean Bay Strait Straits Peninsula Desert Valley Delta Channel")
# Heads of place names with "of": "Republic of Ireland", "Gulf of Aden", "Isle of Man".
PLACE_HEADS = words(
    "Republic Kingdom Gulf Bay Isle Cape Sea Strait Straits Sultanate Emirate Principality"
)
DIRECTIONS = words(
    """North South East West Northern Southern Eastern Western Central Northeast Northwest
    Southeast Southwest Northeastern Northwestern Southeastern Southwestern Upper Lower Middle
    Far Near"""
)
# Words around a place's name that make it a team ("Surrey beat Kent", "lost to Chicago").
COMPETE_AFTER = words(
    """beat beats defeated drew lost won edged routed thrashed crushed hammered trounced downed
    topped blanked swept rallied clinched overcame outplayed eliminated ousted"""
)
COMPETE_BEFORE = words("beat beating defeated defeating against v v. vs vs. versus")
COMPETE_PAIRS = frozenset(
    [("lost", "to"), ("drew", "with"), ("draw", "with"), ("win", "over"), ("victory", "over"),
     ("loss", "to"), ("defeat", "by"), ("beaten", "by"), ("lose", "to")]
)  # fmt: skip
# Lower-case particles inside personal names ("Osama bin Laden", "Charles de Gaulle").
NAME_PARTICLES = words(
    "al el bin ibn abu ben bint de del della der den di da dos das du la le van von ter ten y"
)
# The same joined by a hyphen ("al-Maliki", "Mojahedin-e Khalq").
HYPHEN_PARTICLES = NAME_PARTICLES | words("ul ad as ash at az ud e i o")
# Hyphen prefixes in front of a name that are not part of it ("anti-Iran", "ex-England").
HYPHEN_PREFIXES = words("anti pro ex non post pre mid neo pan trans former")
# Words joining the parts of an organisation's name.
ORG_CONNECTORS = words("of for & and")
# Possessives that stay inside a name ("People's Mujahedeen of Iran", "Women's League").
NAME_POSSESSIVES = words("People Peoples Women Children Men Workers Citizens Martyrs")
# Common abbreviations in capitals that name nothing.
COMMON_ABBREVIATIONS = words(
    """TV AM PM FM GMT UTC EST EDT PST CET BC AD CE BCE OK ID PC IT PR HQ UFO USB CD CDs DVD
    DNA HIV AIDS SARS GDP GNP CPI VAT CEO CFO COO CTO MP MPs VIP NGO NGOs FAQ ASAP RSVP ATM
    SUV PhD MBA BA MA BSc MSc RPG IED IEDs WMD ICBM AK KM KG MM CM MPH GB MB TB KB HTML PDF
    URL WWW USD EUR GBP JPY IPO PS NB AKA FYI ETA RIP LOL OMG TNT SOS ERA RBI ATP WTA NFL"""
)
# Hyphens and apostrophes as written in names ("al-Maliki", "People’s").
HYPHENS = "-‐‑"
APOSTROPHES = "'’"
