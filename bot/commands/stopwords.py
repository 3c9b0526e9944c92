"""Small stop-word lists, so that "distinctive words" are about topics, not grammar or thanks.

Lists are folded like the record text (`parser.text.fold`): no accents, no case, and elisions
split (`c'est` → `c est`), so fragments such as `est` and `hui` are listed too. Words of one or
two letters are dropped before these lists are consulted, so they are not listed.
"""

from __future__ import annotations

from collections.abc import Iterable

from parser.text import fold

_LISTS = {
    "en": """
        about above after again against all also and any are aren because been before being below
        between both but can cannot could couldn did didn does doesn doing don down during each few for
        from further had hadn has hasn have haven having her here hers herself him himself his how
        into isn its itself just let like more most mustn myself nor not now off once only other ought
        our ours ourselves out over own really right same shan she should shouldn some such than that
        the their theirs them themselves then there these they this those through too under until very
        was wasn were weren what when where which while who whom why will with won would wouldn you
        your yours yourself yourselves yeah yes okay well going get got think know want thing things
        one two also just lot lots kind sort mean actually maybe something anything everything gonna
        say said says see thank thanks make makes made sure need needs look looking use using used way
        good pretty much many even still back come came gets getting put take
    """,
    "fr": """
        les des une est pas que qui quoi dont par pour sur dans avec sans sous chez vers entre
        aux du au ces cet cette ses son sa leurs leur nos notre vos votre mes mon ton tes
        elle elles ils nous vous lui eux moi toi soi
        mais donc car puis ainsi alors aussi comme quand lorsque parce tres plus moins bien tout
        tous toute toutes autre autres meme memes deja encore ici peu beaucoup trop fait faire
        etre avoir ete etait etaient sont suis sommes etes sera seront serait ont avons avez avait
        avaient aura auront aurait peut peuvent pouvons pouvez doit doivent faut veux voulais
        cela ceci celui celle ceux celles quel quelle quels quelles chaque quelque quelques non oui
        hui aujourd rien tres avant apres depuis pendant jusqu lors selon dire dit donc voila
        chose choses fois tant car votre merci vais vont allons allez dois devons devez devrait
        devrions voir parler parle comment maintenant vraiment savoir sais certain certains certaine
        certaines etc sein
    """,
    "es": """
        los las del una uno unos unas por para con sin sobre entre hasta desde hacia que como cuando
        donde quien quienes cual cuales este esta estos estas ese esa esos esas aquel aquella eso esto
        muy mas menos tambien pero porque pues sino aunque ya todo todos toda todas otro otra otros
        otras mismo misma sus nuestro nuestra nuestros nuestras vuestro ellos ellas nosotros vosotros
        usted ustedes ella ser estar sido siendo soy eres somos son era eran fue fueron sera seran
        estoy esta estamos estan estaba estaban hay haber han hemos habia tiene tienen tener hacer
        hace puede pueden poder creo bien asi aqui ahi alli entonces ahora solo cada algo nada
        gracias bueno dice decir les nos
    """,
    "pt": """
        dos das uma umas uns por para com sem sobre entre ate desde que como quando onde quem qual
        quais este esta estes estas esse essa esses essas aquele aquela isso isto aquilo muito muita
        muitos muitas mais menos tambem mas porque pois porem tudo todos toda todas outro outra
        outros outras mesmo mesma seu sua seus suas nosso nossa nossos nossas voce voces ele ela eles
        elas nos ser estar sido sou somos sao era eram foi foram sera estou esta estamos estao
        estava estavam tem temos tinha ter fazer faz pode podem poder acho bem assim aqui ali entao
        agora cada algo nada obrigado obrigada bom dizer nao sim
    """,
    "de": """
        der die das den dem des ein eine einer eines einem einen und oder aber denn sondern doch
        nicht kein keine keinen keiner ist sind war waren bin bist seid sein gewesen wird werden
        wurde wurden hat haben hatte hatten habe kann konnen muss mussen soll sollen will wollen
        ich wir ihr sie ihn ihm ihnen mich mir dich dir uns euch sich mein meine dein deine unser
        unsere euer eure ihre seine mit von fur auf aus bei nach seit zum zur uber unter vor hinter
        zwischen durch gegen ohne um als wie wenn weil dass damit auch noch schon nur sehr mehr
        dann also hier dort jetzt immer wieder diese dieser dieses jede jeder jedes alle alles
        etwas nichts man was wer wo wann warum ganz gibt ja nein danke gut
    """,
}

STOP_WORDS: dict[str, frozenset[str]] = {lang: frozenset(fold(words).split()) for lang, words in _LISTS.items()}
ALL_STOP_WORDS: frozenset[str] = frozenset().union(*STOP_WORDS.values())


def stop_words(languages: Iterable[str | None]) -> frozenset[str]:
    """The stop words of these languages; every list when a language is unknown or not covered."""
    chosen: set[str] = set()
    for lang in languages:
        if lang not in STOP_WORDS:
            return ALL_STOP_WORDS
        chosen |= STOP_WORDS[lang]
    return frozenset(chosen) if chosen else ALL_STOP_WORDS
