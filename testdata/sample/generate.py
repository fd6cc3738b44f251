# Regenerates train.jsonl and valid.jsonl (UTF-8 with BOM): python3 generate.py
import json, base64, struct, zlib
def png(w,h):
    def chunk(t,d): return struct.pack(">I",len(d))+t+d+struct.pack(">I",zlib.crc32(t+d)&0xffffffff)
    raw=b"".join(b"\x00"+b"\xff\x80\x00"*w for _ in range(h))
    return b"\x89PNG\r\n\x1a\n"+chunk(b"IHDR",struct.pack(">IIBBBBB",w,h,8,2,0,0,0))+chunk(b"IDAT",zlib.compress(raw))+chunk(b"IEND",b"")
SYS="You are Velo, the friendly assistant of a city bike-rental service. Answer briefly and accurately."
def ex(*msgs, **kw):
    d={"messages":[{"role":r,"content":c} for r,c in msgs]}; d.update(kw); return d
weather_tool=[{"type":"function","function":{"name":"get_station_status","description":"Bikes and free docks at a station","parameters":{"type":"object","properties":{"station":{"type":"string"}},"required":["station"]}}}]
train=[
 ex(("system",SYS),("user","How much does a day pass cost?"),("assistant","A day pass costs 12 € and includes unlimited rides of up to 45 minutes each.")),
 ex(("system",SYS),("user","Can I take a bike on the train?"),("assistant","Yes, outside rush hours (7–9 and 16–19 on weekdays). Fold the basket and keep the bike by the door.")),
 ex(("user","My bike has a flat tyre, what now?"),("assistant","Dock it at the nearest station and press the wrench button; the ride ends free of charge and we send a mechanic.")),
 ex(("system",SYS),("user","Do you have e-bikes?"),("assistant","Yes: about a third of the fleet are e-bikes, marked with a green frame. They cost 0.20 € extra per minute.")),
 ex(("system",SYS),("user","Wie lange darf ich ein Rad am Stück ausleihen?"),("assistant","Bis zu 24 Stunden am Stück. Nach 45 Minuten berechnen wir 1 € für jede weitere halbe Stunde.")),
 ex(("system",SYS),("user","自転車の予約はできますか？"),("assistant","はい、アプリから最大15分前まで自転車を予約できます。予約は無料です。")),
 ex(("system",SYS),("user","هل يمكنني استئجار دراجتين بحساب واحد؟"),("assistant","نعم، يمكنك استئجار ما يصل إلى أربع دراجات بحساب واحد، ويدفع صاحب الحساب ثمن جميع الرحلات.")),
 {"messages":[{"role":"system","content":SYS},{"role":"user","content":"How many bikes are at Central Station right now?"},
   {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_station_status","arguments":"{\"station\": \"Central Station\"}"}}]},
   {"role":"tool","tool_call_id":"call_1","content":"{\"bikes\": 7, \"ebikes\": 2, \"free_docks\": 11}"},
   {"role":"assistant","content":"Central Station has 7 bikes (2 of them e-bikes) and 11 free docks."}],"tools":weather_tool},
 ex(("system",SYS),("user","Is there a helmet included?"),("assistant","Helmets are not included, but every station sells a foldable one for 15 €."),("user","And for children?"),("assistant","Children's helmets are available at the five main stations for 12 €.")),
 {"messages":[{"role":"system","content":SYS},{"role":"user","content":"What's the minimum age?"},
   {"role":"assistant","content":"You must be 14.","weight":0},{"role":"user","content":"Please be more precise."},
   {"role":"assistant","content":"Riders must be at least 14 years old; riders under 18 need a parent to register the account.","weight":1}]},
 ex(("system",SYS),("user","How do I end my ride?"),("assistant","Push the bike firmly into any free dock until the light turns green. The app confirms the end of the ride.")),
 ex(("system",SYS),("user","The dock is full. Where do I leave the bike?"),("assistant","Tap \"Full station\" in the app: you get 15 extra minutes free to reach the next station, shown on the map.")),
 {"messages":[{"role":"system","content":SYS},{"role":"user","name":"maria","content":"Can I pay with cash?"},{"role":"assistant","content":"Not at the docks, but you can top up your account with cash at any partner kiosk."}]},
 ex(("system",SYS),("user","Explain the price in one line of code."),("assistant","```python\ndef price(minutes):\n    return 1.0 + max(0, minutes - 45) // 30 * 1.0\n```")),
 {"messages":[{"role":"system","content":SYS},{"role":"user","content":[{"type":"text","text":"Is this bike damaged?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,"+base64.b64encode(png(16,12)).decode(),"detail":"low"}}]},
   {"role":"assistant","content":"The picture is too small to judge. Please report the bike in the app with the wrench button so a mechanic checks it."}]},
 ex(("system",SYS),("user","I lost my account password."),("assistant","Tap \"Forgot password\" on the sign-in screen; we email you a reset link that is valid for one hour.")),
 ex(("system",SYS),("user","Are the bikes available at night?"),("assistant","Yes, all stations are open 24/7. Bikes have lights that switch on automatically.")),
 ex(("system",SYS),("user","Can I get a refund for yesterday's ride? The bike's chain broke."),("assistant","Sorry about that! Send the ride ID from your history via \"Help → Report a problem\" and we refund it within 3 days.")),
 ex(("system",SYS),("user","Quelle est la durée maximale d'une location ?"),("assistant","Vous pouvez garder un vélo jusqu'à 24 heures. Au-delà, des frais de 50 € s'appliquent.")),
 ex(("system",SYS),("user","Do you offer student discounts?"),("assistant","Yes: students get 30 % off the annual pass with a valid student card, uploaded in the app."),("user","How long does verification take?"),("assistant","Usually less than one working day.")),
]
valid=[
 ex(("system",SYS),("user","What does a monthly pass cost?"),("assistant","A monthly pass costs 25 € and includes unlimited 45-minute rides.")),
 ex(("system",SYS),("user","Can I ride in the rain?"),("assistant","Yes, but please ride carefully: brakes need a longer distance on wet roads.")),
 ex(("system",SYS),("user","Where is the nearest station?"),("assistant","Open the map in the app; it shows the nearest stations and how many bikes each has.")),
 ex(("system",SYS),("user","Can I lock the bike during a ride?"),("assistant","Yes, use the built-in lock: pull the lever down. The ride keeps running while the bike is locked.")),
 ex(("system",SYS),("user","Gibt es Lastenräder?"),("assistant","Ja, an acht Stationen gibt es Lastenräder. Sie kosten 3 € pro halbe Stunde.")),
 ex(("system",SYS),("user","Is there a deposit?"),("assistant","No deposit is needed; we only check that your payment method is valid.")),
 ex(("system",SYS),("user","How do I report a dirty seat?"),("assistant","Use \"Help → Report a problem\", pick the bike number and choose \"Cleaning\".")),
 ex(("system",SYS),("user","Can tourists use the service?"),("assistant","Yes, sign up in the app with any credit card; a day pass is the best choice for visitors.")),
 ex(("system",SYS),("user","每天最多能骑多久？"),("assistant","每次骑行最长24小时，前45分钟包含在通票内。")),
 ex(("system",SYS),("user","What happens if I return the bike late?"),("assistant","Each extra half hour after 45 minutes costs 1 €; after 24 hours a 50 € fee applies.")),
]
for name,rows in (("train.jsonl",train),("valid.jsonl",valid)):
    with open(name,"w",encoding="utf-8-sig",newline="\n") as f:
        for r in rows: f.write(json.dumps(r,ensure_ascii=False)+"\n")
