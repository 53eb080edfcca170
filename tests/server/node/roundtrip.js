// node's akismet-api (v6), unchanged, against porch: the round trip the Python test does.
// akismet-api puts the key in the host name (KEY.host, Akismet's legacy form), so we resolve
// "porch.test" and every name under it to 127.0.0.1, as a hosts-file or wildcard DNS entry would.
const dns = require('dns')
const lookup = dns.lookup
const local = (host, options, cb) => {
  if (typeof options === 'function') { cb = options; options = {} }
  if (host === 'porch.test' || host.endsWith('.porch.test')) {
    return options && options.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)
  }
  return lookup(host, options, cb)
}
dns.lookup = local

const { AkismetClient } = require('akismet-api')
const [port, key, blog] = process.argv.slice(2)
const client = new AkismetClient({ key, blog, host: `porch.test:${port}`, protocol: 'http' })
const bad = new AkismetClient({ key: '0'.repeat(32), blog, host: `porch.test:${port}`, protocol: 'http' })

const ham = { ip: '198.51.100.1', content: 'Thank you for the recipe, I baked the bread this weekend.', role: 'administrator' }
const text = 'Visit our workshop for handmade pottery classes every saturday morning downtown'

async function main () {
  const out = {}
  out.valid = await client.verifyKey()
  out.invalid = await bad.verifyKey()
  out.ham = await client.checkSpam(ham)
  out.spam = await client.checkSpam({ ip: '198.51.100.1', name: 'akismet-guaranteed-spam' })
  out.honeypot = await client.checkSpam({ ip: '198.51.100.1', content: ham.content, honeypot: 'http://spam.example' })
  out.before = await client.checkSpam({ ip: '203.0.113.20', content: text, permalink: blog + '/a' })
  out.submitSpam = (await client.submitSpam({ ip: '203.0.113.20', content: text, permalink: blog + '/a' })).text
  out.after = await client.checkSpam({ ip: '192.0.2.50', content: text, permalink: blog + '/b' })
  out.submitHam = (await client.submitHam({ ip: '192.0.2.7', content: ham.content })).text
  try { await bad.checkSpam(ham); out.badKey = 'no error' } catch (e) { out.badKey = e.message }
  console.log(JSON.stringify(out))
}
main().catch(e => { console.error(e); process.exit(1) })
