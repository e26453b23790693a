-- wrk script: POST a chat completion whose user message is ~1 KB (the same text as scan-1k.lua) to
-- /v1/chat/completions; the gateway scans it, forwards it to the fake upstream and scans the 1 KB answer.
local text = "Hello, I ordered a pair of running shoes last Tuesday (order 88231) and the tracking page has not "
  .. "changed for four days. Could you check with the courier what is going on? I paid with my usual card and "
  .. "the money has already left my account. If the parcel is lost I would prefer a refund instead of a "
  .. "replacement, because I need the shoes before the race on the 14th. You can reach me at "
  .. "runner.jane@example.com or by phone in the evenings. I also noticed that the size on the invoice is 42 "
  .. "while I ordered 41; please make sure that the replacement, if there is one, is the right size. Last time "
  .. "your colleague was very helpful and sorted out a similar problem within a day, so I hope we can do the "
  .. "same now. Thank you in advance for looking into this, and have a nice weekend. Best regards, Jane. "
  .. "P.S. The delivery address is unchanged; the parcel should go to the same place as my previous orders."
wrk.method = "POST"
wrk.body = '{"model": "fake-1", "messages": [{"role": "system", "content": "You are a shop assistant."}, '
  .. '{"role": "user", "content": "' .. text .. '"}]}'
wrk.headers["Content-Type"] = "application/json"
