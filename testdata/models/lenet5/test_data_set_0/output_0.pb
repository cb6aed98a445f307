
BlogitsJ(è/pÀ²ÝÝÀJ¤ÀÀ#2ÀX”ñÀÉc6@G”’ÀZf”@Ì~¿çAA